// An environment (lunatic-abi.md §4, §7.5): the set of live processes that can see each other,
// keyed by process id, with the services they share (scheduler, timers, the reactor for
// fd readiness, registry, stacks, the pool for blocking jobs).
// Every signal to a process goes through deliver(), which looks the target up and pushes while
// holding the table shard's lock shared (senders to one process push side by side into its
// lock-free queue), so a process can never be freed between lookup and push: a process
// leaves the table (on its own fiber, holding that lock exclusively) before it stops
// accepting signals.
#pragma once

#include "runtime/blocking_pool.h"
#include "runtime/reactor.h"
#include "runtime/registry.h"
#include "runtime/scheduler.h"
#include "runtime/signal_queue.h"
#include "runtime/stack_pool.h"
#include "runtime/timer_service.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace tycho::runtime {

using ProcessId = uint64_t;
class Process;

class Environment {
  public:
    Environment(uint64_t id, Scheduler& scheduler, TimerService& timers, Reactor& reactor,
                StackPool& stacks, BlockingPool& blocking);
    ~Environment();
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;

    uint64_t id() const { return id_; }
    Scheduler& scheduler() { return scheduler_; }
    TimerService& timers() { return timers_; }
    Reactor& reactor() { return reactor_; }
    StackPool& stacks() { return stacks_; }
    BlockingPool& blocking() { return blocking_; }
    Registry& registry() { return registry_; }

    // A fresh id: 1, 2, ... never reused (every spawn attempt consumes one, §4).
    ProcessId allocate_id() { return next_id_.fetch_add(1, std::memory_order_relaxed); }

    // Makes `process` visible (exists, send, link...) and runnable. The environment does not
    // own it: a process frees itself when it has finished.
    void start(Process* process);

    // Pushes `signal` to process `to`; false (and the signal dropped) when there is no such
    // live process. Wakes the target if it waits for signals. Any thread.
    bool deliver(ProcessId to, Signal&& signal);
    // deliver() for a message sent by a process or on its behalf (a delayed send): counted
    // as sent (Counter::messages_sent) when it reaches a mailbox.
    bool send(ProcessId to, Message&& message) {
        if (!deliver(to, std::move(message))) return false;
        scheduler_.count(Counter::messages_sent);
        return true;
    }
    // Ends a pending wait of `to` without a signal (timeouts). Any thread.
    void notify(ProcessId to);
    bool exists(ProcessId id) const;
    // Live processes.
    size_t size() const { return live_.load(std::memory_order_acquire); }
    // Blocks the calling (non-task) thread until no process is live, or `timeout` passes.
    bool wait_until_empty(std::chrono::milliseconds timeout);

  private:
    friend class Process;
    // Called by a dying process on its own fiber: after this no signal reaches it.
    void remove(ProcessId id);
    // Called once a process's task has finished for good.
    void finished_one();

    // One shard's live processes: a hash table chained through Process::next_in_shard_, so
    // adding a process allocates nothing (beyond the occasional doubling of `buckets`). The
    // ids in a shard step by kShards, so id / kShards spreads them evenly over the buckets.
    struct Shard {
        mutable std::shared_mutex lock;
        std::vector<Process*> buckets; // a power of two in size, or empty; guarded by lock
        size_t count = 0;              // guarded by lock

        static size_t bucket_of(ProcessId id, size_t buckets) {
            return size_t(id / kShards) & (buckets - 1);
        }
        Process* find(ProcessId id) const;
        void insert(Process* process);
        void erase(ProcessId id);
    };
    static constexpr size_t kShards = 64;
    Shard& shard_of(ProcessId id) { return shards_[id % kShards]; }
    const Shard& shard_of(ProcessId id) const { return shards_[id % kShards]; }

    const uint64_t id_;
    Scheduler& scheduler_;
    TimerService& timers_;
    Reactor& reactor_;
    StackPool& stacks_;
    BlockingPool& blocking_;
    Registry registry_;
    std::atomic<ProcessId> next_id_{1};
    std::array<Shard, kShards> shards_;
    std::atomic<size_t> live_{0}; // started and not yet finished
    std::mutex empty_lock_;
    std::condition_variable empty_;
};

} // namespace tycho::runtime
