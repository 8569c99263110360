#include "runtime/environment.h"

#include "runtime/process.h"

namespace tycho::runtime {

Environment::Environment(uint64_t id, Scheduler& scheduler, TimerService& timers, Reactor& reactor,
                         StackPool& stacks, BlockingPool& blocking)
    : id_(id), scheduler_(scheduler), timers_(timers), reactor_(reactor), stacks_(stacks),
      blocking_(blocking), registry_(scheduler) {}

Environment::~Environment() = default;

Process* Environment::Shard::find(ProcessId id) const {
    if (buckets.empty()) return nullptr;
    for (Process* p = buckets[bucket_of(id, buckets.size())]; p != nullptr; p = p->next_in_shard_)
        if (p->id() == id) return p;
    return nullptr;
}

void Environment::Shard::insert(Process* process) {
    if (count >= buckets.size()) { // load factor at most 1
        std::vector<Process*> grown(buckets.empty() ? 8 : buckets.size() * 2, nullptr);
        for (Process* head : buckets) {
            while (head != nullptr) {
                Process* next = head->next_in_shard_;
                Process*& slot = grown[bucket_of(head->id(), grown.size())];
                head->next_in_shard_ = slot;
                slot = head;
                head = next;
            }
        }
        buckets.swap(grown);
    }
    Process*& slot = buckets[bucket_of(process->id(), buckets.size())];
    process->next_in_shard_ = slot;
    slot = process;
    ++count;
}

void Environment::Shard::erase(ProcessId id) {
    if (buckets.empty()) return;
    for (Process** link = &buckets[bucket_of(id, buckets.size())]; *link != nullptr;
         link = &(*link)->next_in_shard_) {
        if ((*link)->id() == id) {
            Process* found = *link;
            *link = found->next_in_shard_;
            found->next_in_shard_ = nullptr;
            --count;
            return;
        }
    }
}

void Environment::start(Process* process) {
    live_.fetch_add(1, std::memory_order_acq_rel);
    {
        Shard& shard = shard_of(process->id());
        std::lock_guard guard(shard.lock);
        shard.insert(process);
    }
    scheduler_.count(Counter::processes_spawned);
    scheduler_.spawn(process);
}

bool Environment::deliver(ProcessId to, Signal&& signal) {
    Shard& shard = shard_of(to);
    // Shared: many senders may push to one process at once (its queue is lock-free); only
    // start() and remove() exclude them.
    std::shared_lock guard(shard.lock);
    Process* target = shard.find(to);
    if (target == nullptr) return false;
    if (target->mailbox_.push(std::move(signal))) scheduler_.wake(target);
    return true;
}

void Environment::notify(ProcessId to) {
    Shard& shard = shard_of(to);
    std::shared_lock guard(shard.lock);
    Process* target = shard.find(to);
    if (target != nullptr && target->mailbox_.notify()) scheduler_.wake(target);
}

bool Environment::exists(ProcessId id) const {
    const Shard& shard = shard_of(id);
    std::shared_lock guard(shard.lock);
    return shard.find(id) != nullptr;
}

void Environment::remove(ProcessId id) {
    Shard& shard = shard_of(id);
    std::lock_guard guard(shard.lock);
    shard.erase(id);
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
