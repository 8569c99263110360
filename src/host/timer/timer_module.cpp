// lunatic::timer (lunatic-abi.md §18): delayed sends that outlive their sender.
#include "host/message/scratch.h"
#include "host/resource_table.h"
#include "host/timeouts.h"
#include "host/wasm_process.h"

namespace tycho::host {

namespace {

// The timers a process made with send_after, by timer id.
struct PendingTimer {
    runtime::TimerService::TimerId timer = 0; // 0: the target did not exist
    std::chrono::steady_clock::time_point deadline;
};
struct Timers final : ProcessState {
    explicit Timers(WasmProcess&) {}
    ResourceTable<PendingTimer> table;
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
                    ResourceTable<PendingTimer>& timers = self.state<Timers>().table;
                    // Timers whose deadline has passed leave the table now (§18 quirk).
                    const auto now = std::chrono::steady_clock::now();
                    timers.erase_if([&](const auto& item) { return item.second.deadline <= now; });
                    auto message = std::make_shared<runtime::Message>(scratch.take());
                    const auto deadline = deadline_after(uint64_t(delay));
                    const auto target = uint64_t(process_id);
                    runtime::Environment& environment = self.environment();
                    PendingTimer pending{0, deadline};
                    // The target is looked up now; if it is gone the message is dropped.
                    if (environment.exists(target)) {
                        pending.timer = environment.timers().schedule_at(
                            deadline, [&environment, target, message] {
                                environment.deliver(target, std::move(*message));
                            });
                    }
                    return int64_t(timers.insert(pending));
                });
    linker.func("lunatic::timer", "cancel_timer",
                [](wasm::Caller& caller, int64_t timer_id) -> int32_t {
                    WasmProcess& self = WasmProcess::of(caller);
                    Timers* timers = self.find_state<Timers>();
                    if (timers == nullptr) return 0;
                    auto pending = timers->table.take(uint64_t(timer_id));
                    if (!pending) return 0;
                    if (pending->timer != 0) self.environment().timers().cancel(pending->timer);
                    return 1;
                });
}

} // namespace tycho::host
