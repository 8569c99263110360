// The multi-threaded work-stealing executor: worker threads (one per core by default), each
// with its own run queue of tasks; an idle worker steals from the others, and parks on a
// condition variable when there is nothing to steal (no spinning). A task is a function
// running on its own fiber; it gives its worker back by yielding (preemption) or waiting
// (blocked until someone wakes it).
#pragma once

#include "runtime/counters.h"
#include "runtime/fiber.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tycho::runtime {

class Scheduler;

namespace detail {
// The counters of the worker this thread is (counters.h), and whose: set by the worker
// itself, so that counting is inline and touches no shared state.
struct WorkerCounting {
    const Scheduler* scheduler = nullptr;
    Counters* counters = nullptr;
};
inline constinit thread_local WorkerCounting tl_counting;
} // namespace detail

// Something the scheduler runs: the base of a process.
class Task {
  public:
    explicit Task(FiberStack stack);
    virtual ~Task();
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;

    // On the task's own fiber: the time it has spent running on workers since it first
    // asked (the first call returns about zero). Only a task that asks is timed, so the
    // others pay nothing for it.
    std::chrono::nanoseconds cpu_time();

  protected:
    // Runs on the task's fiber; the task is finished when it returns. Must not throw.
    virtual void main() = 0;
    // Runs on the worker thread, off the fiber, once main() has returned; the task may
    // release itself here (nothing touches it afterwards).
    virtual void finished() {}

    Fiber& fiber() { return fiber_; }

  private:
    friend class Scheduler;
    static void entry(Fiber& fiber, void* self);

    // Runnable: queued or about to be. Running: on a worker. Waiting: parked until wake().
    // Notified: woken while still running, so its next wait() returns at once.
    enum class State : uint8_t { Runnable, Running, Waiting, Notified, Done };
    Fiber fiber_;
    std::atomic<State> state_{State::Runnable};
    bool wants_wait_ = false; // set on the fiber by wait(), read by the worker after it
    // cpu_time(): whether the worker times this task's runs, their total, and when the
    // current run began. Touched only by the thread running the task.
    bool timed_ = false;
    std::chrono::nanoseconds run_time_{0};
    std::chrono::steady_clock::time_point resumed_at_;
};

class Scheduler {
  public:
    struct Options {
        unsigned workers = 0; // 0: one per core
    };
    Scheduler();
    explicit Scheduler(const Options& options);
    // Stops the workers (see stop()).
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    unsigned workers() const { return unsigned(workers_.size()); }
    // Stops and joins the workers; tasks still queued or waiting are not run any more. Once
    // stopped, spawn() and wake() only queue (so timer and pool threads that are still
    // finishing may call them). Not from a task; idempotent.
    void stop();

    // Makes a new (not yet started) task runnable. Any thread.
    void spawn(Task* task);
    // Makes a waiting task runnable again, or makes the next wait() of a running task return
    // at once. Harmless on runnable or finished tasks. Any thread.
    void wake(Task* task);

    // ---- From inside a task ---------------------------------------------------------------
    // The task running on this thread, or nullptr outside tasks.
    static Task* current();
    // Lets other tasks run; this one is queued again behind them.
    static void yield();
    // Suspends until wake(this task). May return early (after a wake that arrived while the
    // task was running): callers re-check what they wait for, in a loop.
    static void wait();

    // ---- Statistics (for exporters; any thread) -------------------------------------------
    // Adds to a counter of the calling worker (an ordinary increment), or, off the workers,
    // to the scheduler's shared set.
    void count(Counter counter, uint64_t n = 1) {
        if (detail::tl_counting.scheduler == this)
            detail::tl_counting.counters->add_own(counter, n);
        else
            shared_counters_.add_shared(counter, n);
    }
    // The sum over every worker and the shared set.
    uint64_t total(Counter counter) const;
    struct WorkerStats {
        size_t queued = 0; // tasks in its run queue (its one-task "next" slot not included)
        std::chrono::nanoseconds alive{0}; // since the worker started
        std::chrono::nanoseconds idle{0};  // of which it polled or slept for want of tasks
    };
    // One entry per worker. Reading a queue's length takes its lock for a moment.
    std::vector<WorkerStats> worker_stats() const;

  private:
    using Clock = std::chrono::steady_clock;
    // What a worker counts for itself (counters.h); its own cache line, since the owner
    // writes it often and other workers touch the rest of Worker when they steal.
    struct alignas(64) OwnStats {
        Counters counters;
        // Idle time: the total of finished idle spells and the start of the current one (0
        // while busy), in nanoseconds of Clock. Written by the worker only.
        std::atomic<int64_t> idle_ns{0};
        std::atomic<int64_t> idle_since_ns{0};
        Clock::time_point started;
    };
    struct Worker {
        std::mutex lock;
        std::deque<Task*> queue;
        // The task most recently woken by a task on this worker: it runs next, here, and
        // is not stolen, so that two processes exchanging messages stay on one core (the
        // slot holds one task; a newer wake-up moves the older one to the queue). Not
        // counted in queued_: other workers cannot take it. Only the worker's own thread
        // reads or writes it, so it needs no lock.
        Task* next = nullptr;
        // Tasks taken from `next` in a row; after kMaxNextStreak the queue goes first, so a
        // pair of processes messaging each other cannot starve the others queued here.
        unsigned next_streak = 0;
        std::thread thread;
        OwnStats stats;
    };

    void run_worker(unsigned index);
    Task* next_task(unsigned index);
    Task* steal(unsigned thief);
    // Polls for a task for a moment; `since` is when the worker found none.
    Task* spin_for_task(unsigned index, Clock::time_point since);
    // Idle spells: one starts when a worker finds no task and ends when it has one again
    // or wakes from parking.
    void idle_begins(Worker& worker, Clock::time_point at);
    void idle_ends(Worker& worker, Clock::time_point at);
    void enqueue(Task* task);
    // The next slot of the calling worker (see Worker::next); false off the workers.
    bool run_next_here(Task* task);
    void after_run(Task* task);

    std::vector<std::unique_ptr<Worker>> workers_;
    std::atomic<bool> stopping_{false};
    std::atomic<uint64_t> queued_{0}; // tasks in all queues
    std::atomic<unsigned> next_victim_{0};
    std::mutex idle_lock_;
    std::condition_variable idle_;
    std::atomic<unsigned> sleepers_{0};
    std::atomic<unsigned> spinners_{0}; // idle workers polling before they park
    Counters shared_counters_;          // events counted off the workers
};

} // namespace tycho::runtime
