// A one-shot "it is done" that any thread may give and one process may park on
// (Process::wait_for), with or without a deadline: the end of a job on some pool of threads
// that the process waits for without holding its worker. Share it (std::shared_ptr) between
// the side that completes it and the waiter, so that either may go first: a waiter that gave
// up (its deadline passed, it was killed) no longer hears of it, and what completes it late
// touches nothing of the waiter's.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace tycho::runtime {

class Environment;
using ProcessId = uint64_t;

class Completion {
  public:
    Completion() = default;
    Completion(const Completion&) = delete;
    Completion& operator=(const Completion&) = delete;

    // Marks it done and ends the wait of the process parked on it, if one is. Any thread;
    // the second and later calls do nothing. Whatever was written before it is visible to
    // the waiter once is_complete() says so.
    void complete();
    bool is_complete() const;

  private:
    friend class Process;
    // The waiter's side: while attached, complete() notifies process `id` of `environment`.
    void attach(Environment& environment, ProcessId id);
    void detach();
    // For a waiter that is no process on its fiber: blocks the thread until done or
    // `deadline`; true when done.
    template <class TimePoint> bool block_until(const TimePoint* deadline) {
        std::unique_lock guard(lock_);
        if (deadline == nullptr) {
            changed_.wait(guard, [this] { return done_; });
            return true;
        }
        return changed_.wait_until(guard, *deadline, [this] { return done_; });
    }

    mutable std::mutex lock_;
    std::condition_variable changed_;
    bool done_ = false;
    Environment* environment_ = nullptr; // the waiter's, while attached
    ProcessId waiter_ = 0;
};

} // namespace tycho::runtime
