// Timers for sleep, receive timeouts and send_after: one thread that sleeps until the
// earliest deadline and runs the callbacks that are due. Callbacks run on that thread and
// must be short (wake a task, push a message).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tycho::runtime {

class TimerService {
  public:
    using Clock = std::chrono::steady_clock;
    using Callback = std::function<void()>;
    using TimerId = uint64_t; // never 0

    TimerService();
    // Stops the thread (see stop()).
    ~TimerService();
    TimerService(const TimerService&) = delete;
    TimerService& operator=(const TimerService&) = delete;

    TimerId schedule_at(Clock::time_point deadline, Callback callback);
    TimerId schedule_after(Clock::duration delay, Callback callback) {
        return schedule_at(Clock::now() + delay, std::move(callback));
    }
    // True if the timer was pending and now never fires; false if it already fired (or is
    // firing right now) or never existed.
    bool cancel(TimerId id);
    size_t pending() const;
    // Stops the thread, after the callback it may be running: timers not yet due never
    // fire, and those scheduled later neither. For teardown: whatever the callbacks reach
    // may then go, while the service itself stays usable (a no-op) until it is destroyed.
    void stop();

  private:
    // A timer lives in a slot, which is recycled after it fires or is cancelled. Its id is
    // (generation << 32 | slot): a stale id names an older generation and matches nothing.
    struct Slot {
        Clock::time_point deadline;
        Callback callback;
        uint32_t generation = 1;
        uint32_t heap_index = kNotInHeap;
    };
    static constexpr uint32_t kNotInHeap = UINT32_MAX;

    void run();
    Slot* find(TimerId id); // the pending timer `id`, or nullptr
    void release(uint32_t slot);
    // The heap holds the slots of pending timers, earliest deadline first; each slot knows
    // its position, so a cancelled timer leaves the heap at once (no stale entries pile up
    // when receives with timeouts keep being answered in time).
    bool earlier(uint32_t a, uint32_t b) const;
    void place(size_t index, uint32_t slot);
    void sift_up(size_t index);
    void sift_down(size_t index);
    void remove_from_heap(uint32_t slot);

    mutable std::mutex lock_;
    std::condition_variable changed_;
    std::vector<Slot> slots_;
    std::vector<uint32_t> free_slots_;
    std::vector<uint32_t> heap_;
    // When the thread will look at the heap next (max: not before it is told). A new
    // timer due before that has to wake it; a later one need not.
    Clock::time_point thread_wakes_at_ = Clock::time_point::max();
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace tycho::runtime
