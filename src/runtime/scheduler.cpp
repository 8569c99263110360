#include "runtime/scheduler.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace tycho::runtime {

namespace {
// How long an idle worker keeps polling the queues before it parks. Work that arrives
// within it (a reply, a freshly spawned process) then costs neither side a futex call;
// after it the worker sleeps, so an idle runtime burns no CPU.
constexpr auto kSpinBeforePark = std::chrono::microseconds(50);

// See Worker::next_streak.
constexpr unsigned kMaxNextStreak = 32;

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

thread_local Scheduler* tl_scheduler = nullptr;
thread_local unsigned tl_worker = 0;
thread_local Task* tl_current = nullptr;
} // namespace

Task::Task(FiberStack stack) : fiber_(std::move(stack), &Task::entry, this) {}
Task::~Task() = default;

std::chrono::nanoseconds Task::cpu_time() {
    const auto now = std::chrono::steady_clock::now();
    if (!timed_) { // from now on the worker times each run; this one began just now
        timed_ = true;
        resumed_at_ = now;
    }
    return run_time_ + (now - resumed_at_);
}

void Task::entry(Fiber&, void* self) {
    static_cast<Task*>(self)->main();
}

Scheduler::Scheduler() : Scheduler(Options{}) {}

Scheduler::Scheduler(const Options& options) {
    unsigned n = options.workers ? options.workers : std::thread::hardware_concurrency();
    if (n == 0) n = 1;
    const Clock::time_point now = Clock::now();
    for (unsigned i = 0; i < n; ++i) {
        workers_.push_back(std::make_unique<Worker>());
        workers_.back()->stats.started = now;
    }
    for (unsigned i = 0; i < n; ++i)
        workers_[i]->thread = std::thread([this, i] { run_worker(i); });
}

Scheduler::~Scheduler() {
    stop();
}

void Scheduler::stop() {
    {
        std::lock_guard guard(idle_lock_);
        stopping_ = true;
    }
    idle_.notify_all();
    for (auto& w : workers_)
        if (w->thread.joinable()) w->thread.join();
}

Task* Scheduler::current() {
    return tl_current;
}

void Scheduler::yield() {
    tl_current->fiber_.suspend();
}

void Scheduler::wait() {
    Task* task = tl_current;
    task->wants_wait_ = true;
    task->fiber_.suspend();
}

void Scheduler::spawn(Task* task) {
    task->state_.store(Task::State::Runnable);
    enqueue(task);
}

void Scheduler::wake(Task* task) {
    using State = Task::State;
    State s = task->state_.load();
    for (;;) {
        if (s == State::Waiting) {
            if (task->state_.compare_exchange_weak(s, State::Runnable)) {
                if (!run_next_here(task)) enqueue(task);
                return;
            }
        } else if (s == State::Running) {
            if (task->state_.compare_exchange_weak(s, State::Notified)) return;
        } else {
            return; // already runnable, notified or done
        }
    }
}

// On a worker, tasks go to its own queue (they are likely related and cache-warm); from
// other threads they are spread over the workers in turn.
void Scheduler::enqueue(Task* task) {
    const unsigned n = unsigned(workers_.size());
    Worker& w = tl_scheduler == this ? *workers_[tl_worker] : *workers_[next_victim_++ % n];
    {
        std::lock_guard guard(w.lock);
        w.queue.push_back(task);
    }
    queued_.fetch_add(1);
    // A parked worker registered itself in sleepers_ before checking queued_, under
    // idle_lock_; notifying under the same lock cannot slip between its check and its wait.
    // A polling worker will find the task itself (it re-checks queued_ before parking).
    if (sleepers_.load() > 0 && spinners_.load() == 0) {
        std::lock_guard guard(idle_lock_);
        idle_.notify_one();
    }
}

bool Scheduler::run_next_here(Task* task) {
    if (tl_scheduler != this || tl_current == nullptr) return false;
    // Only this worker's thread touches its next slot: no lock.
    if (Task* displaced = std::exchange(workers_[tl_worker]->next, task)) enqueue(displaced);
    task->fiber_.prefetch(); // it runs soon: start loading its parked frames
    return true;
}

Task* Scheduler::next_task(unsigned index) {
    Worker& w = *workers_[index];
    if (w.next && (w.next_streak < kMaxNextStreak || queued_.load() == 0)) {
        ++w.next_streak;
        return std::exchange(w.next, nullptr);
    }
    w.next_streak = 0;
    {
        std::lock_guard guard(w.lock);
        if (!w.queue.empty()) {
            Task* task = w.queue.front();
            w.queue.pop_front();
            queued_.fetch_sub(1);
            return task;
        }
    }
    if (Task* stolen = steal(index)) return stolen;
    return std::exchange(w.next, nullptr); // nothing else after all
}

Task* Scheduler::steal(unsigned thief) {
    const unsigned n = unsigned(workers_.size());
    for (unsigned k = 1; k < n; ++k) {
        Worker& victim = *workers_[(thief + k) % n];
        std::lock_guard guard(victim.lock);
        if (!victim.queue.empty()) {
            Task* task = victim.queue.front(); // the oldest: it has waited longest
            victim.queue.pop_front();
            queued_.fetch_sub(1);
            return task;
        }
    }
    return nullptr;
}

Task* Scheduler::spin_for_task(unsigned index, Clock::time_point since) {
    spinners_.fetch_add(1);
    Task* task = nullptr;
    const auto until = since + kSpinBeforePark;
    for (unsigned round = 0; !task && !stopping_.load(); ++round) {
        if (queued_.load(std::memory_order_relaxed) > 0) task = next_task(index);
        if (round % 64 == 63 && std::chrono::steady_clock::now() >= until) break;
        cpu_relax();
    }
    spinners_.fetch_sub(1);
    // Enqueuers skipped waking sleepers while this worker polled: pass the rest on.
    if (task && queued_.load() > 0 && sleepers_.load() > 0) {
        std::lock_guard guard(idle_lock_);
        idle_.notify_one();
    }
    return task;
}

void Scheduler::run_worker(unsigned index) {
    tl_scheduler = this;
    tl_worker = index;
    Worker& worker = *workers_[index];
    detail::tl_counting = {this, &worker.stats.counters};
    while (!stopping_.load()) {
        Task* task = next_task(index);
        if (!task) {
            const Clock::time_point idle_start = Clock::now();
            idle_begins(worker, idle_start);
            task = spin_for_task(index, idle_start);
            if (!task) {
                std::unique_lock lock(idle_lock_);
                sleepers_.fetch_add(1);
                idle_.wait(lock, [this] { return stopping_.load() || queued_.load() > 0; });
                sleepers_.fetch_sub(1);
            }
            idle_ends(worker, Clock::now());
            if (!task) continue;
        }
        task->state_.store(Task::State::Running);
        tl_current = task;
        if (task->timed_) task->resumed_at_ = Clock::now();
        task->fiber_.resume();
        if (task->timed_) task->run_time_ += Clock::now() - task->resumed_at_;
        tl_current = nullptr;
        after_run(task);
    }
}

void Scheduler::after_run(Task* task) {
    using State = Task::State;
    if (task->fiber_.finished()) {
        task->state_.store(State::Done);
        task->finished(); // may delete the task
        return;
    }
    if (task->wants_wait_) {
        task->wants_wait_ = false;
        State expected = State::Running;
        if (task->state_.compare_exchange_strong(expected, State::Waiting)) return;
        // A wake arrived while it was running (Notified): run it again instead.
    }
    task->state_.store(State::Runnable);
    enqueue(task);
}

// ---- Statistics ---------------------------------------------------------------------------

namespace {
int64_t nanoseconds_of(std::chrono::steady_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
}
} // namespace

uint64_t Scheduler::total(Counter counter) const {
    uint64_t sum = shared_counters_.get(counter);
    for (const auto& worker : workers_)
        sum += worker->stats.counters.get(counter);
    return sum;
}

void Scheduler::idle_begins(Worker& worker, Clock::time_point at) {
    worker.stats.idle_since_ns.store(nanoseconds_of(at), std::memory_order_release);
}

// The spell's start is cleared before its length is added, so a reader (who reads the
// total first) may miss a spell that is just ending but never counts one twice.
void Scheduler::idle_ends(Worker& worker, Clock::time_point at) {
    OwnStats& stats = worker.stats;
    const int64_t since = stats.idle_since_ns.load(std::memory_order_relaxed);
    stats.idle_since_ns.store(0, std::memory_order_release);
    stats.idle_ns.store(stats.idle_ns.load(std::memory_order_relaxed) + nanoseconds_of(at) - since,
                        std::memory_order_release);
}

std::vector<Scheduler::WorkerStats> Scheduler::worker_stats() const {
    const Clock::time_point now = Clock::now();
    std::vector<WorkerStats> all;
    all.reserve(workers_.size());
    for (const auto& worker : workers_) {
        WorkerStats stats;
        {
            std::lock_guard guard(worker->lock);
            stats.queued = worker->queue.size();
        }
        stats.alive = now - worker->stats.started;
        int64_t idle = worker->stats.idle_ns.load(std::memory_order_acquire);
        const int64_t since = worker->stats.idle_since_ns.load(std::memory_order_acquire);
        if (since != 0) idle += nanoseconds_of(now) - since;
        stats.idle =
            std::clamp(std::chrono::nanoseconds(idle), std::chrono::nanoseconds(0), stats.alive);
        all.push_back(stats);
    }
    return all;
}

} // namespace tycho::runtime
