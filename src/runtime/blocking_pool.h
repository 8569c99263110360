// A few threads for jobs that would hold a scheduler worker for long (compiling a big
// module): a process hands the job over and parks (Process::run_blocking), so the worker
// runs the other processes meanwhile. Jobs are plain functions; they start in submission
// order, each on whichever pool thread is free.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tycho::runtime {

class BlockingPool {
  public:
    using Job = std::function<void()>;

    explicit BlockingPool(unsigned threads);
    // Jobs not started yet are dropped (destroyed unrun); running ones are waited for.
    ~BlockingPool();
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;

    // Queues `job`, which must not throw. Any thread.
    void submit(Job job);
    unsigned threads() const { return unsigned(threads_.size()); }

  private:
    void run();

    std::mutex lock_;
    std::condition_variable changed_;
    std::deque<Job> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

} // namespace tycho::runtime
