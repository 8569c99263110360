#include "objects.h"

#include <pthread.h>
#include <sys/mman.h>

#include <algorithm>
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

namespace detail {

ContextImpl::ContextImpl(const Options& options) {
    if (!options.value_stack.empty()) {
        value_stack = options.value_stack.data();
        value_stack_end = value_stack + options.value_stack.size();
    } else {
        value_stack_mapped_ = (options.value_stack_bytes + 4095) & ~size_t(4095);
        void* p = mmap(nullptr, value_stack_mapped_, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        value_stack = static_cast<uint64_t*>(p);
        value_stack_end = value_stack + value_stack_mapped_ / sizeof(uint64_t);
    }
    stack_pointer_limit = options.native_stack_limit != 0
                              ? options.native_stack_limit
                              : current_thread_stack_limit(options.native_stack_bytes);
}

ContextImpl::~ContextImpl() {
    if (value_stack_mapped_) munmap(value_stack, value_stack_mapped_);
}

HookAction ContextImpl::run_hook() {
    ++spent_slices_;
    HookAction action = HookAction::Continue;
    if (hook_) action = hook_(*this);
    budget = slice_;
    if (action == HookAction::Stop)
        trap_.message = stop_reason_.empty() ? std::string("interrupted") : stop_reason_;
    return action;
}

} // namespace detail

std::unique_ptr<ExecutionContext> ExecutionContext::create() {
    return create(Options{});
}

std::unique_ptr<ExecutionContext> ExecutionContext::create(const Options& options) {
    return std::make_unique<detail::ContextImpl>(options);
}

void ExecutionContext::set_reduction_hook(int64_t slice, ReductionHook hook) {
    detail::ContextImpl& ex = detail::impl(*this);
    ex.slice_ = slice > 0 ? slice : 1;
    ex.budget = ex.slice_;
    ex.hook_ = std::move(hook);
}

void ExecutionContext::set_stop_reason(std::string reason) {
    detail::impl(*this).stop_reason_ = std::move(reason);
}

const std::string& ExecutionContext::stop_reason() const {
    return detail::impl(*this).stop_reason_;
}

uint64_t ExecutionContext::reductions() const {
    const detail::ContextImpl& ex = detail::impl(*this);
    if (ex.slice_ == INT64_MAX) return uint64_t(INT64_MAX - ex.budget);
    return ex.spent_slices_ * uint64_t(ex.slice_) +
           uint64_t(ex.slice_ - std::max<int64_t>(ex.budget, 0));
}

void ExecutionContext::set_native_stack_limit(uintptr_t limit) {
    detail::impl(*this).stack_pointer_limit = limit;
}

uintptr_t ExecutionContext::native_stack_limit() const {
    return detail::impl(*this).stack_pointer_limit;
}

} // namespace tycho::wasm
