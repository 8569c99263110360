// lunatic::timer (lunatic-abi.md §18): delayed sends that outlive their sender.
//
// Deliberate divergence from Lunatic: cancel_timer returns 1 only when the cancel won (the
// timer had not fired and now never will), and 0 for a timer that already fired, even one
// still in the table because fired timers leave it lazily (§18 quirk; Lunatic returns 1
// then). So a guest can trust 1 to mean "the message will not arrive".
#include "host/message/scratch.h"
#include "host/timeouts.h"
#include "host/timer/timer_table.h"
#include "host/wasm_process.h"

namespace tycho::host {

namespace {

// What one timer costs its process besides its message: the table's entries and the
// timer service's slot.
constexpr uint64_t kTimerBytes = 192;

// A process's timers. Each is charged to the process's memory account, with its message,
// until it is cancelled or forgotten as due.
struct Timers final : ProcessState {
    explicit Timers(WasmProcess& process) : account(process.memory_account()) {}
    void forget_due(TimerTable::Clock::time_point now) { account.release(table.forget_due(now)); }

    ProcessMemory& account;
    TimerTable table;
};

} // namespace

void define_timer_module(wasm::Linker& linker) {
    linker.func("lunatic::timer", "send_after",
                [](wasm::Caller& caller, int64_t process_id, int64_t delay) -> int64_t {
                    WasmProcess& self = WasmProcess::of(caller);
                    Scratch& scratch = self.state<Scratch>();
                    if (!scratch.message) {
                        caller.trap("lunatic::timer::send_after: no message in the scratch slot");
                        return 0;
                    }
                    Timers& timers = self.state<Timers>();
                    timers.forget_due(std::chrono::steady_clock::now());
                    auto message = std::make_shared<runtime::Message>(scratch.take());
                    const uint64_t charge = kTimerBytes + message->buffer.size();
                    if (!timers.account.try_charge(charge)) {
                        caller.trap("lunatic::timer::send_after: " + timers.account.refusal());
                        return 0;
                    }
                    const auto deadline = deadline_after(uint64_t(delay));
                    const auto target = uint64_t(process_id);
                    runtime::Environment& environment = self.environment();
                    TimerTable::Entry entry{0, deadline, charge};
                    // The target is looked up now; if it is gone the message is dropped.
                    if (environment.exists(target)) {
                        entry.timer = environment.timers().schedule_at(
                            deadline, [&environment, target, message] {
                                environment.send(target, std::move(*message));
                            });
                    }
                    return int64_t(timers.table.insert(entry));
                });
    linker.func(
        "lunatic::timer", "cancel_timer", [](wasm::Caller& caller, int64_t timer_id) -> int32_t {
            Timers* timers = WasmProcess::of(caller).find_state<Timers>();
            if (timers == nullptr) return 0;
            const auto now = std::chrono::steady_clock::now();
            auto entry = timers->table.take(uint64_t(timer_id));
            timers->forget_due(now);
            if (!entry) return 0;
            timers->account.release(entry->charged);
            // Without a target nothing was scheduled: the timer "fires" (drops
            // its message) at its deadline.
            if (entry->timer == 0) return entry->deadline > now ? 1 : 0;
            return WasmProcess::of(caller).environment().timers().cancel(entry->timer) ? 1 : 0;
        });
}

} // namespace tycho::host
