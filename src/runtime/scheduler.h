// The multi-threaded work-stealing executor: worker threads (one per core by default), each
// with its own run queue of tasks; an idle worker steals from the others, and parks on a
// condition variable when there is nothing to steal (no spinning). A task is a function
// running on its own fiber; it gives its worker back by yielding (preemption) or waiting
// (blocked until someone wakes it).
#pragma once

#include "runtime/fiber.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tycho::runtime {

class Scheduler;

// Something the scheduler runs: the base of a process.
class Task {
  public:
    explicit Task(FiberStack stack);
    virtual ~Task();
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;

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

  private:
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
    };

    void run_worker(unsigned index);
    Task* next_task(unsigned index);
    Task* steal(unsigned thief);
    Task* spin_for_task(unsigned index);
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
};

} // namespace tycho::runtime
