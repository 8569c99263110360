#include "runtime/timer_service.h"

namespace tycho::runtime {

TimerService::TimerService() : thread_([this] { run(); }) {}

TimerService::~TimerService() {
    stop();
}

void TimerService::stop() {
    {
        std::lock_guard guard(lock_);
        stopping_ = true;
    }
    changed_.notify_one();
    if (thread_.joinable()) thread_.join();
}

TimerService::TimerId TimerService::schedule_at(Clock::time_point deadline, Callback callback) {
    bool wake_thread;
    TimerId id;
    {
        std::lock_guard guard(lock_);
        uint32_t slot;
        if (free_slots_.empty()) {
            slot = uint32_t(slots_.size());
            slots_.emplace_back();
        } else {
            slot = free_slots_.back();
            free_slots_.pop_back();
        }
        Slot& s = slots_[slot];
        s.deadline = deadline;
        s.callback = std::move(callback);
        id = (TimerId(s.generation) << 32) | slot;
        heap_.push_back(slot);
        place(heap_.size() - 1, slot);
        sift_up(heap_.size() - 1);
        wake_thread = deadline < thread_wakes_at_;
        if (wake_thread) thread_wakes_at_ = deadline;
    }
    if (wake_thread) changed_.notify_one();
    return id;
}

bool TimerService::cancel(TimerId id) {
    Callback dropped; // destroyed after the unlock
    std::lock_guard guard(lock_);
    Slot* s = find(id);
    if (s == nullptr) return false;
    dropped = std::move(s->callback);
    const auto slot = uint32_t(id);
    remove_from_heap(slot);
    release(slot);
    return true;
}

size_t TimerService::pending() const {
    std::lock_guard guard(lock_);
    return heap_.size();
}

TimerService::Slot* TimerService::find(TimerId id) {
    const auto slot = uint32_t(id);
    if (slot >= slots_.size()) return nullptr;
    Slot& s = slots_[slot];
    if (s.generation != uint32_t(id >> 32) || s.heap_index == kNotInHeap) return nullptr;
    return &s;
}

void TimerService::release(uint32_t slot) {
    Slot& s = slots_[slot];
    s.heap_index = kNotInHeap;
    if (++s.generation == 0) s.generation = 1; // ids are never 0
    free_slots_.push_back(slot);
}

bool TimerService::earlier(uint32_t a, uint32_t b) const {
    return slots_[a].deadline < slots_[b].deadline;
}

void TimerService::place(size_t index, uint32_t slot) {
    heap_[index] = slot;
    slots_[slot].heap_index = uint32_t(index);
}

void TimerService::sift_up(size_t index) {
    const uint32_t slot = heap_[index];
    while (index > 0) {
        const size_t parent = (index - 1) / 2;
        if (!earlier(slot, heap_[parent])) break;
        place(index, heap_[parent]);
        index = parent;
    }
    place(index, slot);
}

void TimerService::sift_down(size_t index) {
    const uint32_t slot = heap_[index];
    for (;;) {
        size_t child = 2 * index + 1;
        if (child >= heap_.size()) break;
        if (child + 1 < heap_.size() && earlier(heap_[child + 1], heap_[child])) ++child;
        if (!earlier(heap_[child], slot)) break;
        place(index, heap_[child]);
        index = child;
    }
    place(index, slot);
}

void TimerService::remove_from_heap(uint32_t slot) {
    const size_t index = slots_[slot].heap_index;
    const uint32_t last = heap_.back();
    heap_.pop_back();
    if (index == heap_.size()) return; // it was the last one
    place(index, last);
    sift_up(index);
    sift_down(slots_[last].heap_index);
}

void TimerService::run() {
    std::unique_lock lock(lock_);
    while (!stopping_) {
        if (heap_.empty()) {
            thread_wakes_at_ = Clock::time_point::max();
            changed_.wait(lock);
            continue;
        }
        const uint32_t slot = heap_.front();
        const Clock::time_point deadline = slots_[slot].deadline;
        if (Clock::now() < deadline) {
            thread_wakes_at_ = deadline;
            changed_.wait_until(lock, deadline);
            continue; // re-examine: an earlier timer or a stop may have arrived
        }
        Callback callback = std::move(slots_[slot].callback);
        remove_from_heap(slot);
        release(slot);
        lock.unlock(); // callbacks may schedule or cancel timers
        callback();
        callback = nullptr; // whatever it holds goes before the lock is taken again
        lock.lock();
    }
}

} // namespace tycho::runtime
