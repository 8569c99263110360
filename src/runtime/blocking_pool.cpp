#include "runtime/blocking_pool.h"

#include <utility>

namespace tycho::runtime {

BlockingPool::BlockingPool(unsigned threads) {
    if (threads == 0) threads = 1;
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i)
        threads_.emplace_back([this] { run(); });
}

BlockingPool::~BlockingPool() {
    std::deque<Job> dropped; // destroyed after the threads are gone, outside the lock
    {
        std::lock_guard guard(lock_);
        stopping_ = true;
        dropped.swap(jobs_);
    }
    changed_.notify_all();
    for (std::thread& thread : threads_)
        thread.join();
}

void BlockingPool::submit(Job job) {
    {
        std::lock_guard guard(lock_);
        jobs_.push_back(std::move(job));
    }
    changed_.notify_one();
}

void BlockingPool::run() {
    std::unique_lock lock(lock_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        job = nullptr; // whatever it holds goes before the lock is taken again
        lock.lock();
    }
}

} // namespace tycho::runtime
