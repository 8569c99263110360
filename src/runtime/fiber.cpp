#include "runtime/fiber.h"

#include <cstdio>
#include <exception>
#include <utility>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TYCHO_ASAN_FIBERS 1
#endif
#endif
#ifdef TYCHO_ASAN_FIBERS
#include <sanitizer/common_interface_defs.h>
#endif

namespace tycho::runtime {

namespace ctx = boost::context::detail;

namespace {
// AddressSanitizer must be told about every stack switch, or it reports false errors.
#ifdef TYCHO_ASAN_FIBERS
void start_switch(void** fake_stack, const void* bottom, size_t size) {
    __sanitizer_start_switch_fiber(fake_stack, bottom, size);
}
void finish_switch(void* fake_stack, const void** bottom_old, size_t* size_old) {
    __sanitizer_finish_switch_fiber(fake_stack, bottom_old, size_old);
}
#else
void start_switch(void**, const void*, size_t) {}
void finish_switch(void*, const void**, size_t*) {}
#endif
} // namespace

Fiber::Fiber(FiberStack stack, Entry entry, void* arg)
    : stack_(std::move(stack)), entry_(entry), arg_(arg) {
    // Without a stack (the pool could not map one) the fiber must never be resumed; its
    // owner checks stack().valid() first.
    if (stack_.valid())
        context_ = ctx::make_fcontext(stack_.top(), stack_.size(), &Fiber::trampoline);
}

Fiber::~Fiber() = default;

// Runs on the fiber's stack right after each switch into it.
void Fiber::switched_in(Context from) {
    caller_ = from;
    finish_switch(fake_stack_, &caller_bottom_, &caller_size_);
}

void Fiber::trampoline(ctx::transfer_t transfer) {
    auto* self = static_cast<Fiber*>(transfer.data);
    self->switched_in(transfer.fctx);
    try {
        self->entry_(*self, self->arg_);
    } catch (...) {
        std::fputs("tycho: an exception escaped a fiber\n", stderr);
        std::terminate();
    }
    self->finished_ = true;
    // Leave for good: the fiber's stack dies with this switch.
    start_switch(nullptr, self->caller_bottom_, self->caller_size_);
    ctx::jump_fcontext(self->caller_, nullptr);
    __builtin_unreachable();
}

bool Fiber::resume() {
    started_ = true;
    void* caller_fake_stack = nullptr;
    start_switch(&caller_fake_stack, stack_.bottom(), stack_.size());
    const ctx::transfer_t back = ctx::jump_fcontext(context_, this);
    finish_switch(caller_fake_stack, nullptr, nullptr);
    context_ = back.fctx;
    return finished_;
}

void Fiber::suspend() {
    start_switch(&fake_stack_, caller_bottom_, caller_size_);
    const ctx::transfer_t in = ctx::jump_fcontext(caller_, this);
    switched_in(in.fctx);
}

FiberStack Fiber::take_stack() {
    return std::move(stack_);
}

} // namespace tycho::runtime
