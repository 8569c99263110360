// A fiber: a function running on its own native stack that can suspend itself and be
// resumed later, by any thread. Switching is Boost.Context's fcontext (a few nanoseconds);
// no scheduler here, that is the runtime's next layer.
#pragma once

#include "runtime/stack_pool.h"

#include <boost/context/detail/fcontext.hpp>

#include <cstddef>

namespace tycho::runtime {

class Fiber {
  public:
    using Entry = void (*)(Fiber& self, void* arg);

    // Prepares `entry(self, arg)` to run on `stack`; nothing runs before the first resume().
    // An invalid stack makes a fiber that must not be resumed.
    // `entry` must not throw (an escaping exception terminates the program).
    Fiber(FiberStack stack, Entry entry, void* arg);
    ~Fiber();
    Fiber(const Fiber&) = delete;
    Fiber& operator=(const Fiber&) = delete;

    // Runs the fiber until it suspends or its entry returns. Returns true once it has
    // finished. Must not be called from inside this fiber, nor after it finished.
    bool resume();
    // From inside the fiber: switches back to the resume() that is running it.
    void suspend();

    bool finished() const { return finished_; }
    // Hints the CPU to load the top of a suspended fiber's stack, where resume() will
    // return into its parked frames (a Wasm process parked in receive returns through
    // about 0.7 KB of them; 1 KiB is loaded).
    void prefetch() const {
        const auto* sp = static_cast<const char*>(context_);
        if (sp == nullptr) return;
        constexpr size_t kLine = 64, kLines = 16;
        for (size_t line = 0; line < kLines; ++line)
            __builtin_prefetch(sp + line * kLine);
    }
    bool started() const { return started_; }
    // The stack, for reuse once the fiber has finished (or never started).
    FiberStack take_stack();
    const FiberStack& stack() const { return stack_; }

  private:
    using Context = boost::context::detail::fcontext_t;
    static void trampoline(boost::context::detail::transfer_t transfer);
    void switched_in(Context from);

    FiberStack stack_;
    Entry entry_;
    void* arg_;
    Context context_ = nullptr; // the fiber's suspended context
    Context caller_ = nullptr;  // the context of the resume() running it
    bool started_ = false;
    bool finished_ = false;
    // AddressSanitizer bookkeeping for stack switches (unused in other builds).
    void* fake_stack_ = nullptr;
    const void* caller_bottom_ = nullptr;
    size_t caller_size_ = 0;
};

} // namespace tycho::runtime
