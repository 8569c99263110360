#include "native_loader.h"

#include "module_validator.h"
#include "native_cache.h"
#include "native_runtime.h"

#include <dlfcn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

namespace tycho::wasm::detail {

namespace {

constexpr const char* kPluginName = "libtycho-jit.so";
// Interpreted reductions after which a Tier::Auto module is compiled: tens of milliseconds
// of interpretation, so that short programs never pay for a compile.
constexpr int64_t kReductionsBeforeTierUp = 2'000'000;
// ... and after which the cache is asked for its code: about a millisecond, so that short
// programs do not pay for loading the tier either (loading it holds the dynamic linker's
// lock for tens of milliseconds, which new threads wait for).
constexpr int64_t kReductionsBeforeCacheLookup = 100'000;
// Modules waiting for the background compiler; more requests wait for a later slice.
constexpr size_t kMaxQueued = 16;

// Where the plugin may be, in order: $TYCHO_NATIVE_TIER, next to the executable's lib
// directory as an installation lays it out, and where this build put it.
std::vector<std::string> plugin_candidates() {
    std::vector<std::string> out;
    if (const char* env = std::getenv("TYCHO_NATIVE_TIER"); env != nullptr && *env != '\0')
        out.emplace_back(env);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) out.push_back((exe.parent_path().parent_path() / "lib/tycho" / kPluginName).string());
    out.emplace_back(TYCHO_NATIVE_TIER_BUILD_PATH);
    return out;
}

// The plugin that would be loaded, and what identifies its build (path, size and time), or
// nullopt when there is none.
struct PluginFile {
    std::string path;
    std::string identity;
};
std::optional<PluginFile> find_plugin() {
    for (const std::string& path : plugin_candidates()) {
        struct stat st{};
        if (::stat(path.c_str(), &st) != 0 || ::access(path.c_str(), R_OK) != 0) continue;
        return PluginFile{path, path + ":" + std::to_string(st.st_size) + ":" +
                                    std::to_string(st.st_mtim.tv_sec) + "." +
                                    std::to_string(st.st_mtim.tv_nsec)};
    }
    return std::nullopt;
}

void stop_background_compiler_at_exit();

struct LoadedBackend {
    NativeBackend* backend = nullptr; // lives as long as the process: the plugin stays loaded
    std::string identity;
    std::string error;
};

LoadedBackend load_backend() {
    LoadedBackend out;
    const auto plugin = find_plugin();
    if (!plugin) {
        std::string tried;
        for (const std::string& path : plugin_candidates())
            tried += (tried.empty() ? "" : ", ") + path;
        out.error = "the native tier is not installed (looked for " + tried + ")";
        return out;
    }
    void* handle = dlopen(plugin->path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        out.error = std::string("cannot load the native tier: ") + dlerror();
        return out;
    }
    using Entry = decltype(&tycho_native_backend);
    auto entry = reinterpret_cast<Entry>(dlsym(handle, "tycho_native_backend"));
    if (entry == nullptr) {
        out.error = "cannot load the native tier: " + plugin->path + " has no tycho_native_backend";
        return out;
    }
    out.backend = entry(kNativeTierAbi, &native_runtime(), &out.error);
    // Exit handlers run last-registered first: registered again now, the background
    // compiler stops before the tier's own static objects go.
    stop_background_compiler_at_exit();
    if (out.backend == nullptr)
        out.error = "cannot load the native tier " + plugin->path + ": " + out.error;
    out.identity = plugin->identity;
    return out;
}

const LoadedBackend& loaded_backend() {
    static const LoadedBackend loaded = load_backend();
    return loaded;
}

// What a module's native code depends on besides its bytes.
std::string code_identity(const std::string& plugin_identity, const CompileOptions& options) {
    return "abi " + std::to_string(kNativeTierAbi) + "\nplugin " + plugin_identity +
           "\nreductions " + (options.count_reductions ? "counted" : "not counted");
}

void install(const CompiledModule& module, std::unique_ptr<NativeCode> code) {
    for (uint32_t i = 0; i < module.functions.size(); ++i)
        install_native_entry(module.functions[i], code->entry(i));
    module.native_code = std::move(code);
}

// The background compiler: one thread, started on first use, at the lowest priority, that
// works through a bounded queue of modules. Its state is never destroyed. When the process
// exits normally, the exit waits for the job in progress and stops the thread before static
// objects (the tier's among them) are destroyed under it.
class TierUpQueue {
  public:
    static TierUpQueue& instance() {
        static auto* queue =
            new TierUpQueue; // NOLINT(cppcoreguidelines-owning-memory): never destroyed
        created_ = true;
        return *queue;
    }
    static bool created() { return created_; }

    // Compiles the module (or, with `only_if_cached`, loads its code if the cache has it).
    void request(const std::shared_ptr<const Module>& module, bool only_if_cached) {
        const CompiledModule& compiled = module->compiled();
        if (compiled.tier_up_requested.exchange(true)) return;
        std::lock_guard guard(lock_);
        if (queue_.size() >= kMaxQueued) {
            compiled.tier_up_requested = false; // asked again after a later slice
            return;
        }
        if (stopped_) return;
        queue_.push_back({module, only_if_cached});
        if (!started_) {
            std::thread(&TierUpQueue::work, this).detach();
            started_ = true;
        }
        ready_.notify_one();
    }

    void stop() {
        std::lock_guard working(work_lock_); // the job in progress ends first
        std::lock_guard guard(lock_);
        stopped_ = true;
        ready_.notify_one();
    }

  private:
    // Libraries the thread uses register their own exit handlers when first used; those
    // registered after ours would run first and pull the rug from under a job. OpenSSL
    // (the cache's hashing) therefore hashes once here, which runs all of its lazy set-up,
    // before ours is registered; the tier, loaded by the thread, registers ours again after
    // its own (load_backend).
    TierUpQueue() {
        (void)sha256_hex({});
        stop_background_compiler_at_exit();
    }

    void work() {
        ::setpriority(PRIO_PROCESS, 0, 19); // this thread only, on Linux
        for (;;) {
            Request next;
            {
                std::unique_lock guard(lock_);
                ready_.wait(guard, [this] { return stopped_ || !queue_.empty(); });
                if (stopped_) return;
                next = std::move(queue_.front());
                queue_.pop_front();
            }
            std::lock_guard working(work_lock_);
            if (stopped()) return;
            const CompiledModule& compiled = next.module->compiled();
            if (next.only_if_cached && !in_cache(compiled)) {
                compiled.tier_up_requested = false; // compiled once it is hot
                continue;
            }
            // A module the tier cannot compile stays with the interpreter, which is correct.
            (void)install_native_code(compiled);
        }
    }

    // Whether the cache holds the module's code; known without loading the tier (the CPU it
    // was made for is checked when the code is read).
    static bool in_cache(const CompiledModule& compiled) {
        const auto plugin = find_plugin();
        if (!plugin) return false;
        const NativeCache cache(compiled.options.native_cache_dir);
        std::error_code ec;
        return std::filesystem::exists(
            cache.file_for(compiled.info.bytes, code_identity(plugin->identity, compiled.options)),
            ec);
    }

    bool stopped() {
        std::lock_guard guard(lock_);
        return stopped_;
    }

    struct Request {
        std::shared_ptr<const Module> module;
        bool only_if_cached = false;
    };
    static inline std::atomic<bool> created_{false};
    std::mutex work_lock_; // held while a job runs
    bool stopped_ = false;
    std::mutex lock_;
    std::condition_variable ready_;
    std::deque<Request> queue_;
    bool started_ = false;
};

void stop_background_compiler_at_exit() {
    std::atexit([] {
        if (TierUpQueue::created()) TierUpQueue::instance().stop();
    });
}

} // namespace

Result<NativeBackend*> native_backend() {
    const LoadedBackend& loaded = loaded_backend();
    if (loaded.backend == nullptr) return Error{loaded.error};
    return loaded.backend;
}

Result<void> install_native_code(const CompiledModule& module) {
    std::lock_guard guard(module.native_lock);
    if (module.native_code) return {};
    auto backend = native_backend();
    if (!backend) return backend.error();
    NativeBackend& tier = *backend.value();
    const uint32_t functions = module.info.num_defined_funcs();

    std::optional<NativeCache> cache;
    std::filesystem::path cached_file;
    if (!module.options.native_cache_dir.empty()) {
        cache.emplace(module.options.native_cache_dir);
        cached_file = cache->file_for(module.info.bytes,
                                      code_identity(loaded_backend().identity, module.options));
        if (auto object = cache->read(cached_file, tier.target_id())) {
            if (auto code = tier.load(*object, functions)) {
                install(module, std::move(code.value()));
                return {};
            }
        }
    }

    const std::vector<bool> declared = declared_function_refs(module.info);
    const NativeCompileInput input{module.info, declared, module.options.count_reductions};
    auto object = tier.compile(input);
    if (!object) return object.error();
    auto code = tier.load(object.value(), functions);
    if (!code) return code.error();
    install(module, std::move(code.value()));
    if (cache) cache->write(cached_file, tier.target_id(), object.value());
    return {};
}

bool fits_background_compile(const ModuleInfo& module) {
    size_t total = 0;
    for (const FunctionBody& body : module.bodies) {
        const size_t size = body.code_end - body.code_offset;
        if (size > kMaxBackgroundFunctionBytes) return false;
        total += size;
    }
    return total <= kMaxBackgroundCodeBytes;
}

void note_reductions(const std::shared_ptr<const Module>& module, int64_t reductions) {
    const CompiledModule& compiled = module->compiled();
    if (compiled.options.tier != Tier::Auto || compiled.tier_up_requested) return;
    const int64_t spent =
        compiled.reductions_interpreted.fetch_add(reductions, std::memory_order_relaxed) +
        reductions;
    if (spent >= kReductionsBeforeTierUp && compiled.fits_background_compile) {
        TierUpQueue::instance().request(module, false);
    } else if (spent >= kReductionsBeforeCacheLookup &&
               !compiled.options.native_cache_dir.empty() &&
               !compiled.cache_looked_up.exchange(true)) {
        // Looking into the cache hashes the module: that too is the background thread's work.
        TierUpQueue::instance().request(module, true);
    }
}

} // namespace tycho::wasm::detail
