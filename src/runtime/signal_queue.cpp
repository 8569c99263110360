#include "runtime/signal_queue.h"

#include <cassert>
#include <utility>

namespace tycho::runtime {

bool SignalQueue::push(Signal&& signal) {
    std::lock_guard lock(mutex_);
    // A dropped signal (closed queue) stays with the caller, which destroys it after the
    // unlock, so releasing its resources never happens under the mutex.
    if (closed_) return false;
    items_.push_back(std::move(signal));
    pending_.store(true, std::memory_order_release);
    return waiting_.exchange(false);
}

// Needs no lock: the only transition to true is prepare_wait's, made under the mutex after
// seeing the queue empty; whoever exchanges it back to false first owns the wake-up.
bool SignalQueue::notify() {
    return waiting_.exchange(false);
}

void SignalQueue::take_all(std::vector<Signal>& out) {
    assert(out.empty());
    std::lock_guard lock(mutex_);
    items_.swap(out);
    pending_.store(false, std::memory_order_relaxed);
}

bool SignalQueue::prepare_wait() {
    std::lock_guard lock(mutex_);
    if (!items_.empty()) return false;
    waiting_.store(true);
    return true;
}

bool SignalQueue::cancel_wait() {
    return waiting_.exchange(false);
}

void SignalQueue::close() {
    std::vector<Signal> dropped;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        waiting_.store(false);
        items_.swap(dropped);
        pending_.store(false, std::memory_order_relaxed);
    }
}

} // namespace tycho::runtime
