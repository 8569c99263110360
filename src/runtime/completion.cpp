#include "runtime/completion.h"

#include "runtime/environment.h"

namespace tycho::runtime {

void Completion::complete() {
    // The notification happens under the lock: a waiter that has detached (and may be gone,
    // with its environment) is never notified.
    std::lock_guard guard(lock_);
    if (done_) return;
    done_ = true;
    changed_.notify_all();
    if (environment_ != nullptr) environment_->notify(waiter_);
}

bool Completion::is_complete() const {
    std::lock_guard guard(lock_);
    return done_;
}

void Completion::attach(Environment& environment, ProcessId id) {
    std::lock_guard guard(lock_);
    environment_ = &environment;
    waiter_ = id;
}

void Completion::detach() {
    std::lock_guard guard(lock_);
    environment_ = nullptr;
}

} // namespace tycho::runtime
