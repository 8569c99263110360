#include "runtime/fiber_mutex.h"

#include <cassert>

namespace tycho::runtime {

void FiberMutex::lock() {
    Task* self = Scheduler::current();
    assert(self != nullptr && "FiberMutex::lock outside a task");
    for (;;) {
        {
            std::lock_guard guard(state_);
            if (!locked_) {
                locked_ = true;
                return;
            }
            waiters_.push_back(self);
        }
        // Woken by unlock() (or early, which only costs another look): try again. A stale
        // entry left in waiters_ at worst causes one spurious wake-up later.
        Scheduler::wait();
    }
}

bool FiberMutex::try_lock() {
    std::lock_guard guard(state_);
    if (locked_) return false;
    locked_ = true;
    return true;
}

void FiberMutex::unlock() {
    Task* next = nullptr;
    {
        std::lock_guard guard(state_);
        locked_ = false;
        if (!waiters_.empty()) {
            next = waiters_.front();
            waiters_.pop_front();
        }
    }
    if (next) scheduler_.wake(next);
}

} // namespace tycho::runtime
