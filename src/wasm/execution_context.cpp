#include <tycho/wasm/engine.h>

#include <pthread.h>
#include <sys/mman.h>

#include <new>

namespace tycho::wasm {

namespace {
// Native stack kept free below the interpreter for host functions and signal handlers.
#if defined(__SANITIZE_ADDRESS__) || (defined(__has_feature) && __has_feature(address_sanitizer))
constexpr size_t kNativeStackReserve = size_t(2) << 20;
#else
constexpr size_t kNativeStackReserve = size_t(256) << 10;
#endif

uintptr_t current_thread_stack_limit(size_t usable) {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
    void* low = nullptr;
    size_t size = 0;
    pthread_attr_getstack(&attr, &low, &size);
    pthread_attr_destroy(&attr);
    const uintptr_t bottom = reinterpret_cast<uintptr_t>(low) + kNativeStackReserve;
    if (usable == 0) return bottom;
    const uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    return here > usable && here - usable > bottom ? here - usable : bottom;
}
} // namespace

ExecutionContext::ExecutionContext() : ExecutionContext(Options{}) {}

ExecutionContext::ExecutionContext(const Options& options) {
    if (!options.value_stack.empty()) {
        value_stack_ = options.value_stack.data();
        value_stack_end_ = value_stack_ + options.value_stack.size();
    } else {
        value_stack_mapped_ = (options.value_stack_bytes + 4095) & ~size_t(4095);
        void* p = mmap(nullptr, value_stack_mapped_, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        value_stack_ = static_cast<uint64_t*>(p);
        value_stack_end_ = value_stack_ + value_stack_mapped_ / sizeof(uint64_t);
    }
    native_stack_limit_ = options.native_stack_limit != 0
                              ? options.native_stack_limit
                              : current_thread_stack_limit(options.native_stack_bytes);
}

std::unique_ptr<ExecutionContext> ExecutionContext::create() {
    return create(Options{});
}

std::unique_ptr<ExecutionContext> ExecutionContext::create(const Options& options) {
    return std::make_unique<ExecutionContext>(options);
}

ExecutionContext::~ExecutionContext() {
    if (value_stack_mapped_) munmap(value_stack_, value_stack_mapped_);
}

void ExecutionContext::set_reduction_hook(int64_t slice, ReductionHook hook) {
    slice_ = slice > 0 ? slice : 1;
    budget_ = slice_;
    hook_ = std::move(hook);
}

uint64_t ExecutionContext::reductions() const {
    if (slice_ == INT64_MAX) return uint64_t(INT64_MAX - budget_);
    return spent_slices_ * uint64_t(slice_) + uint64_t(slice_ - std::max<int64_t>(budget_, 0));
}

HookAction ExecutionContext::run_hook() {
    ++spent_slices_;
    HookAction action = HookAction::Continue;
    if (hook_) action = hook_(*this);
    budget_ = slice_;
    if (action == HookAction::Stop)
        trap_.message = stop_reason_.empty() ? std::string("interrupted") : stop_reason_;
    return action;
}

} // namespace tycho::wasm
