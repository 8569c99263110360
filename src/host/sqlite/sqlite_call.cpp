#include "host/sqlite/sqlite_call.h"

#include "host/sqlite/sqlite_memory.h"
#include "host/wasm_process.h"
#include "runtime/fiber.h"
#include "runtime/stack_pool.h"

namespace tycho::host::sqlite {

namespace {

// SQLite bounds most of its recursion with limits (expression depth 1000, JSON nesting
// 2000, 500 compound terms: a few hundred KiB of stack at most), but not all of it: views
// over views and chains of common table expressions recurse once per level while a
// statement is prepared, about 550 bytes a level. The last kStackReserve bytes are kept
// for the bounded kinds: below them allocations fail (sqlite_memory.h), and the statement
// with them. (The system's SQLite is not instrumented in sanitizer builds: its frames keep
// their size there.)
constexpr size_t kStackBytes = size_t(2) << 20;
constexpr size_t kStackReserve = size_t(512) << 10;
// What a process is charged for a stack it holds (the part a query usually touches).
constexpr uint64_t kStackCharge = uint64_t(64) * 1024;

runtime::StackPool& stacks() {
    static runtime::StackPool pool([] {
        runtime::StackPool::Options options;
        options.stack_bytes = kStackBytes;
        options.max_cached = 16;
        options.growth_batch = 4;
        return options;
    }());
    return pool;
}

thread_local SqliteCall* t_call = nullptr;

} // namespace

struct CallEntry {
    static void run(runtime::Fiber& fiber, void* arg) {
        auto* call = static_cast<SqliteCall*>(arg);
        call->fiber_ = &fiber;
        call->enter();
        call->work_();
        leave();
    }
    static void leave() {
        set_allocation_scope({});
        t_call = nullptr;
    }
};

void SqliteCall::enter() {
    t_call = this;
    const auto* fiber = static_cast<const runtime::Fiber*>(fiber_);
    set_allocation_scope({&account_, fiber->stack().bottom() + kStackReserve});
}

SqliteCall* SqliteCall::current() {
    return t_call;
}

bool SqliteCall::pause(Pause kind, std::chrono::milliseconds delay) {
    if (stop_) return false;
    pause_ = kind;
    delay_ = delay;
    // The thread that runs the process meanwhile runs no SQLite for it, and the one that
    // resumes it may be another.
    CallEntry::leave();
    static_cast<runtime::Fiber*>(fiber_)->suspend();
    enter();
    return !stop_;
}

SqliteCall::Outcome SqliteCall::run(WasmProcess& process, SqliteAccount& account,
                                    const std::function<void()>& work) {
    ProcessMemory& memory = process.memory_account();
    if (!memory.try_charge(kStackCharge)) return Outcome::no_memory;
    runtime::FiberStack stack = stacks().acquire();
    if (!stack.valid()) {
        memory.release(kStackCharge);
        return Outcome::no_stack;
    }
    SqliteCall call(account, work);
    {
        runtime::Fiber fiber(std::move(stack), &CallEntry::run, &call);
        while (!fiber.resume()) {
            const bool alive =
                call.pause_ == Pause::yield
                    ? process.yield_to_others()
                    : process.sleep_until(runtime::Process::Clock::now() + call.delay_);
            if (!alive) call.stop_ = true;
        }
        stacks().release(fiber.take_stack());
    }
    memory.release(kStackCharge);
    account.settle();
    return call.stop_ ? Outcome::stopped : Outcome::done;
}

} // namespace tycho::host::sqlite
