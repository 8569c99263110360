// Helpers for tests that run processes whose bodies are C++ functions.
#pragma once

#include "runtime/process.h"
#include "runtime/task_test_support.h" // Event, for the tests that use these

#include <atomic>
#include <functional>
#include <utility>

namespace tycho::runtime::test_support {

// A process whose body is a C++ function; it returns normally or reports a failure.
class FnProcess : public Process {
  public:
    using Body = std::function<DeathReason(FnProcess&)>;
    FnProcess(Environment& env, Body body, std::atomic<bool>* finished_flag = nullptr)
        : Process(env, env.allocate_id(), env.stacks().acquire()), body_(std::move(body)),
          finished_flag_(finished_flag) {}

  protected:
    DeathReason run() override { return body_(*this); }
    // By now the process has ended and told its links and monitors.
    void finished() override {
        if (finished_flag_) *finished_flag_ = true;
        Process::finished();
    }

  private:
    Body body_;
    std::atomic<bool>* finished_flag_;
};

// Starts a process; `finished`, when given, is set once it has ended and told its links and
// monitors.
inline ProcessId start(Environment& env, FnProcess::Body body,
                       const std::function<void(FnProcess&)>& before_start = {},
                       std::atomic<bool>* finished = nullptr) {
    // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): processes free themselves
    auto* p = new FnProcess(env, std::move(body), finished);
    if (before_start) before_start(*p);
    const ProcessId id = p->id();
    env.start(p);
    return id;
}

} // namespace tycho::runtime::test_support
