// Timers for sleep, receive timeouts and send_after: one thread that sleeps until the
// earliest deadline and runs the callbacks that are due. Callbacks run on that thread and
// must be short (wake a task, push a message).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tycho::runtime {

class TimerService {
  public:
    using Clock = std::chrono::steady_clock;
    using Callback = std::function<void()>;
    using TimerId = uint64_t; // never 0

    TimerService();
    // Stops the thread; timers not yet due never fire.
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

  private:
    struct Due {
        Clock::time_point deadline;
        TimerId id;
        bool operator>(const Due& other) const {
            return deadline != other.deadline ? deadline > other.deadline : id > other.id;
        }
    };
    void run();

    mutable std::mutex lock_;
    std::condition_variable changed_;
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> heap_;
    std::unordered_map<TimerId, Callback> callbacks_; // pending timers only
    TimerId next_id_ = 1;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace tycho::runtime
