// lunatic::timer (lunatic-abi.md §18): delayed sends that outlive their sender.
#include "host/namespaces.h"
#include "host/spawn.h"
#include "host/wasm_process.h"

namespace tycho::host {

void add_lunatic_timer(wasm::Linker& linker) {
    linker.func(
        "lunatic::timer", "send_after",
        [](wasm::Caller& caller, int64_t process_id, int64_t delay) -> int64_t {
            WasmProcess& self = WasmProcess::of(caller);
            if (!self.scratch) {
                caller.trap("lunatic::timer::send_after: no message in the scratch slot");
                return 0;
            }
            // Timers whose deadline has passed leave the table now (§18 quirk).
            const auto now = std::chrono::steady_clock::now();
            self.timers.erase_if([&](const auto& item) { return item.second.deadline <= now; });
            auto message = std::make_shared<runtime::Message>(self.take_scratch());
            const auto deadline = deadline_after(uint64_t(delay));
            const auto target = uint64_t(process_id);
            runtime::Environment& environment = self.environment();
            WasmProcess::PendingTimer pending{0, deadline};
            // The target is looked up now; if it is gone the message is dropped.
            if (environment.exists(target)) {
                pending.timer =
                    environment.timers().schedule_at(deadline, [&environment, target, message] {
                        environment.deliver(target, std::move(*message));
                    });
            }
            return int64_t(self.timers.insert(pending));
        });
    linker.func("lunatic::timer", "cancel_timer",
                [](wasm::Caller& caller, int64_t timer_id) -> int32_t {
                    WasmProcess& self = WasmProcess::of(caller);
                    auto pending = self.timers.take(uint64_t(timer_id));
                    if (!pending) return 0;
                    if (pending->timer != 0) self.environment().timers().cancel(pending->timer);
                    return 1;
                });
}

} // namespace tycho::host
