// The test fixture of the WASI tests: instantiates testdata/wasi_all.wasm (a module that wraps
// every wasi_snapshot_preview1 import in an export of the same name) with a WasiContext the
// test owns, and reads and writes the guest's memory.
#pragma once

#include "host/wasi/wasi.h"
#include "host/wasi/wasi_abi.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

namespace tycho::host::wasi {
// Errors print as their WASI number in test failures.
inline void PrintTo(Errno e, std::ostream* out) {
    *out << "errno " << int(e);
}
} // namespace tycho::host::wasi

namespace wasi_testing {

using namespace tycho::wasm;
using tycho::host::add_wasi;
using tycho::host::WasiBinding;
using tycho::host::WasiContext;
using tycho::host::wasi::Errno;

inline constexpr int32_t kSuccess = 0;
inline constexpr int32_t kBadf = 8;
inline constexpr int32_t kFault = 21;
inline constexpr int32_t kInval = 28;
inline constexpr int32_t kNosys = 52;
inline constexpr int32_t kSpipe = 70;
inline constexpr uint32_t kPage = 65536;

inline std::string testdata_path(const char* name) {
    return std::string(TYCHO_HOST_TESTDATA) + "/" + name;
}

inline std::vector<uint8_t> read_testdata(const char* name) {
    std::ifstream in(testdata_path(name), std::ios::binary);
    EXPECT_TRUE(in) << name;
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The test plays the process: the binding reaches its state through these.
inline WasiContext* g_context = nullptr;
inline std::optional<uint32_t> g_exit_code;
inline int g_yields = 0;

inline WasiBinding test_binding() {
    WasiBinding b;
    b.context_of = [](Caller&) -> WasiContext& { return *g_context; };
    b.yield = [](Caller&) { ++g_yields; };
    b.exit = [](Caller& c, uint32_t code) {
        g_exit_code = code;
        c.stop("exit " + std::to_string(code));
    };
    return b;
}

// A pipe whose write end stands in for a host stdout/stderr (or whose read end for stdin).
struct Pipe {
    int read_end = -1;
    int write_end = -1;
    Pipe() {
        int fds[2];
        EXPECT_EQ(::pipe(fds), 0);
        read_end = fds[0], write_end = fds[1];
    }
    ~Pipe() {
        close_write();
        if (read_end >= 0) ::close(read_end);
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    void close_write() {
        if (write_end >= 0) ::close(write_end);
        write_end = -1;
    }
    // Everything written so far (closes the write end).
    std::string drain() {
        close_write();
        std::string out;
        char buf[4096];
        for (ssize_t n; (n = ::read(read_end, buf, sizeof buf)) != 0;) {
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) break;
            out.append(buf, size_t(n));
        }
        return out;
    }
};

// Runs `rescue` after three seconds unless dismissed first: a call that should return at once
// but waits is ended this way (a byte written to what it waits on), so that the test fails
// instead of hanging.
class Watchdog {
  public:
    explicit Watchdog(std::function<void()> rescue)
        : thread_([this, rescue = std::move(rescue)] {
              std::unique_lock lock(mutex_);
              if (changed_.wait_for(lock, std::chrono::seconds(3), [this] { return done_; }))
                  return;
              fired_ = true;
              lock.unlock();
              rescue();
          }) {}
    ~Watchdog() {
        dismiss();
        thread_.join();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;
    void dismiss() {
        std::lock_guard lock(mutex_);
        done_ = true;
        changed_.notify_all();
    }
    bool fired() {
        std::lock_guard lock(mutex_);
        return fired_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool done_ = false;
    bool fired_ = false;
    std::thread thread_;
};

// Instantiates wasi_all.wasm, which wraps every WASI function in an export of the same name.
class Wasi : public ::testing::Test {
  protected:
    void SetUp() override {
        g_context = &context;
        g_exit_code.reset();
        g_yields = 0;
        add_wasi(linker, test_binding());
        stdio(-1, 1, 2);
        instance = instantiate("wasi_all.wasm");
        ASSERT_NE(instance, nullptr);
        memory = instance->memory();
    }
    void TearDown() override { g_context = nullptr; }

    // Makes fds 0-2 these host descriptors (the table starts over).
    void stdio(int in, int out, int err) {
        context.fds = tycho::host::wasi::FdTable{};
        add_stdio(context, in, out, err);
    }

    std::shared_ptr<Instance> instantiate(const char* file) {
        auto m = Module::compile(read_testdata(file));
        EXPECT_TRUE(m) << m.error().to_string();
        if (!m) return nullptr;
        auto i = linker.instantiate(*exec, m.value());
        EXPECT_TRUE(i) << i.error().to_string();
        return i ? i.value() : nullptr;
    }

    // Calls `instance` (and its memory) from now on.
    void use(std::shared_ptr<Instance> other) {
        ASSERT_NE(other, nullptr);
        instance = std::move(other);
        memory = instance->memory();
    }

    Result<std::vector<Value>, Trap> try_call(const char* name, std::vector<Value> args) {
        const Function* f = instance->exported_function(name);
        EXPECT_NE(f, nullptr) << name;
        return f->call(*exec, args);
    }
    // Calls a function that must not trap and returns its errno.
    int32_t call(const char* name, std::vector<Value> args) {
        auto r = try_call(name, std::move(args));
        EXPECT_TRUE(r) << name << ": " << (r ? "" : r.error().message);
        if (!r || r->size() != 1) return -1;
        return (*r)[0].as_i32();
    }
    // The same, as an Errno.
    Errno wasi(const char* name, std::vector<Value> args) {
        return Errno(uint16_t(call(name, std::move(args))));
    }

    uint8_t* at(uint32_t address) { return memory->data() + address; }
    void put_u32(uint32_t address, uint32_t v) { std::memcpy(at(address), &v, 4); }
    void put_u64(uint32_t address, uint64_t v) { std::memcpy(at(address), &v, 8); }
    uint16_t u16(uint32_t address) {
        uint16_t v;
        std::memcpy(&v, at(address), 2);
        return v;
    }
    uint32_t u32(uint32_t address) {
        uint32_t v;
        std::memcpy(&v, at(address), 4);
        return v;
    }
    uint64_t u64(uint32_t address) {
        uint64_t v;
        std::memcpy(&v, at(address), 8);
        return v;
    }
    void put_iovec(uint32_t address, uint32_t buf, uint32_t len) {
        put_u32(address, buf);
        put_u32(address + 4, len);
    }
    void put_text(uint32_t address, std::string_view text) {
        std::memcpy(at(address), text.data(), text.size());
    }
    std::string text(uint32_t address, size_t n) {
        return {reinterpret_cast<const char*>(at(address)), n};
    }
    // Fills guest memory with a sentinel so that stray writes show.
    void fill(uint8_t byte) { std::memset(memory->data(), byte, memory->size()); }
    bool untouched(uint32_t from, uint32_t to, uint8_t byte) {
        for (uint32_t a = from; a < to; ++a)
            if (*at(a) != byte) return false;
        return true;
    }

    static Value i32(uint32_t v) { return Value::i32(int32_t(v)); }
    static Value i64(uint64_t v) { return Value::i64(int64_t(v)); }

    WasiContext context;
    std::unique_ptr<ExecutionContext> exec = ExecutionContext::create();
    Linker linker;
    std::shared_ptr<Instance> instance;
    Memory* memory = nullptr;
};

} // namespace wasi_testing
