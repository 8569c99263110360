// Runs a process's SQLite work on a native stack of its own, as a coroutine of the process.
//
// SQLite recurses as deep as a query nests (expressions, subqueries, JSON), deeper than the
// few dozen KiB a process's fiber stack keeps for host calls, so every call into SQLite runs
// on a stack from a pool of big ones. SQLite calls back (progress and busy handlers) from
// the middle of a long query; there the work pauses, the process yields to others (or sleeps,
// while a database is locked) on its own stack, handles its signals, and resumes the work,
// or tells it to stop when the process must die. So a query that runs forever neither holds
// a worker thread nor survives a kill.
#pragma once

#include <chrono>
#include <functional>

namespace tycho::host {
class WasmProcess;
} // namespace tycho::host

namespace tycho::host::sqlite {

class SqliteAccount;

class SqliteCall {
  public:
    enum class Outcome {
        done,
        stopped,   // the process must die (a kill, a linked failure): the caller unwinds
        no_memory, // the process's memory account refused the stack's share
        no_stack,  // the system had no stack to give
    };
    // Runs `work` with `account` current (sqlite_memory.h) for `process`, from its fiber.
    static Outcome run(WasmProcess& process, SqliteAccount& account,
                       const std::function<void()>& work);
    // The call running on this thread's current stack, if any (for SQLite's callbacks).
    static SqliteCall* current();

    // From inside the work: lets the process run others (or sleep for `delay`). False when
    // the process must stop: the work should then end as soon as it can.
    bool pause_to_yield() { return pause(Pause::yield, {}); }
    bool pause_to_sleep(std::chrono::milliseconds delay) { return pause(Pause::sleep, delay); }
    bool stopping() const { return stop_; }

  private:
    enum class Pause { yield, sleep };
    SqliteCall(SqliteAccount& account, const std::function<void()>& work)
        : account_(account), work_(work) {}
    friend struct CallEntry;
    // Makes this call the thread's current one (its account, its stack's floor).
    void enter();
    bool pause(Pause kind, std::chrono::milliseconds delay);

    SqliteAccount& account_;
    const std::function<void()>& work_;
    void* fiber_ = nullptr; // the runtime::Fiber running the work
    Pause pause_ = Pause::yield;
    std::chrono::milliseconds delay_{0};
    bool stop_ = false;
};

} // namespace tycho::host::sqlite
