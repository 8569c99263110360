// A mutex for tasks: a task that finds it locked waits in the scheduler instead of blocking
// its worker thread, so the holder may itself suspend (yield, wait) while holding it.
#pragma once

#include "runtime/scheduler.h"

#include <deque>
#include <mutex>

namespace tycho::runtime {

class FiberMutex {
  public:
    explicit FiberMutex(Scheduler& scheduler) : scheduler_(scheduler) {}
    FiberMutex(const FiberMutex&) = delete;
    FiberMutex& operator=(const FiberMutex&) = delete;

    // From inside a task only.
    void lock();
    bool try_lock();
    void unlock();

  private:
    Scheduler& scheduler_;
    std::mutex state_; // guards the two fields below, never held across a switch
    bool locked_ = false;
    std::deque<Task*> waiters_;
};

} // namespace tycho::runtime
