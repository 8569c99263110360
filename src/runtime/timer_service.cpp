#include "runtime/timer_service.h"

namespace tycho::runtime {

TimerService::TimerService() : thread_([this] { run(); }) {}

TimerService::~TimerService() {
    {
        std::lock_guard guard(lock_);
        stopping_ = true;
    }
    changed_.notify_one();
    thread_.join();
}

TimerService::TimerId TimerService::schedule_at(Clock::time_point deadline, Callback callback) {
    bool earliest;
    TimerId id;
    {
        std::lock_guard guard(lock_);
        id = next_id_++;
        callbacks_.emplace(id, std::move(callback));
        earliest = heap_.empty() || deadline < heap_.top().deadline;
        heap_.push(Due{deadline, id});
    }
    if (earliest) changed_.notify_one(); // the thread sleeps until a later deadline
    return id;
}

bool TimerService::cancel(TimerId id) {
    std::lock_guard guard(lock_);
    // The heap entry stays; run() skips entries whose callback is gone.
    return callbacks_.erase(id) > 0;
}

size_t TimerService::pending() const {
    std::lock_guard guard(lock_);
    return callbacks_.size();
}

void TimerService::run() {
    std::unique_lock lock(lock_);
    while (!stopping_) {
        if (heap_.empty()) {
            changed_.wait(lock);
            continue;
        }
        const Due next = heap_.top();
        if (Clock::now() < next.deadline) {
            changed_.wait_until(lock, next.deadline);
            continue; // re-examine: an earlier timer or a stop may have arrived
        }
        heap_.pop();
        auto it = callbacks_.find(next.id);
        if (it == callbacks_.end()) continue; // cancelled
        Callback callback = std::move(it->second);
        callbacks_.erase(it);
        lock.unlock(); // callbacks may schedule or cancel timers
        callback();
        lock.lock();
    }
}

} // namespace tycho::runtime
