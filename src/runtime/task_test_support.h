// Helpers for tests that run code as scheduler tasks.
#pragma once

#include "runtime/scheduler.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace tycho::runtime::test_support {

using namespace std::chrono_literals;

// Counts finished tasks and lets the test wait for a number of them.
class Done {
  public:
    void one() {
        std::lock_guard guard(lock_);
        ++count_;
        cv_.notify_all();
    }
    bool wait_for(int n, std::chrono::milliseconds limit = 20s) {
        std::unique_lock lock(lock_);
        return cv_.wait_for(lock, limit, [&] { return count_ >= n; });
    }
    int count() {
        std::lock_guard guard(lock_);
        return count_;
    }

  private:
    std::mutex lock_;
    std::condition_variable cv_;
    int count_ = 0;
};

// A one-shot event another thread can wait for, with a time limit (so that a broken
// runtime fails the test instead of hanging it).
class Event {
  public:
    void set() { done_.one(); }
    bool wait_for(std::chrono::milliseconds limit) { return done_.wait_for(1, limit); }
    bool is_set() { return done_.count() > 0; }

  private:
    Done done_;
};

class FnTask : public Task {
  public:
    template <class F>
    FnTask(StackPool& pool, Done& done, F f)
        : Task(pool.acquire()), done_(done), body_(std::move(f)) {}

  protected:
    void main() override { body_(); }
    void finished() override { done_.one(); }

  private:
    Done& done_;
    std::function<void()> body_;
};

} // namespace tycho::runtime::test_support
