#include "runtime/environment.h"

#include "runtime/process.h"

namespace tycho::runtime {

Environment::Environment(uint64_t id, Scheduler& scheduler, TimerService& timers, StackPool& stacks)
    : id_(id), scheduler_(scheduler), timers_(timers), stacks_(stacks), registry_(scheduler) {}

Environment::~Environment() = default;

void Environment::start(Process* process) {
    live_.fetch_add(1, std::memory_order_acq_rel);
    {
        Shard& shard = shard_of(process->id());
        std::lock_guard guard(shard.lock);
        shard.processes.emplace(process->id(), process);
    }
    scheduler_.spawn(process);
}

bool Environment::deliver(ProcessId to, Signal signal) {
    Shard& shard = shard_of(to);
    std::lock_guard guard(shard.lock);
    auto it = shard.processes.find(to);
    if (it == shard.processes.end()) return false;
    Process* target = it->second;
    if (target->mailbox_.push(std::move(signal))) scheduler_.wake(target);
    return true;
}

void Environment::notify(ProcessId to) {
    Shard& shard = shard_of(to);
    std::lock_guard guard(shard.lock);
    auto it = shard.processes.find(to);
    if (it != shard.processes.end() && it->second->mailbox_.notify()) scheduler_.wake(it->second);
}

bool Environment::exists(ProcessId id) const {
    const Shard& shard = shard_of(id);
    std::lock_guard guard(shard.lock);
    return shard.processes.contains(id);
}

void Environment::remove(ProcessId id) {
    Shard& shard = shard_of(id);
    std::lock_guard guard(shard.lock);
    shard.processes.erase(id);
}

void Environment::finished_one() {
    if (live_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard guard(empty_lock_);
        empty_.notify_all();
    }
}

bool Environment::wait_until_empty(std::chrono::milliseconds timeout) {
    std::unique_lock lock(empty_lock_);
    return empty_.wait_for(lock, timeout, [&] { return size() == 0; });
}

} // namespace tycho::runtime
