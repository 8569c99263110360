// A Node for the sweep: it records how each process ended instead of printing failure
// reports, records guests' metrics, starts root processes with every permission, and can wait for
// all of them with a quiet period after which the survivors are killed through the runtime's own
// kill.
#pragma once

#include "host/failure_report.h"
#include "host/node.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tycho::hostile {

using Clock = std::chrono::steady_clock;

// How a process ended, as its Host told.
struct Ended {
    int status = 0;                            // as HostOptions::on_end gives it
    std::optional<host::FailureReport> report; // for failed processes
    Clock::time_point at;
};

class SweepNode {
  public:
    SweepNode();
    ~SweepNode();

    host::Node& node() { return *node_; }
    host::Host& host() { return node_->host(); }
    // What processes hold of the runtime-wide memory budget: all of it but the guest
    // metrics' series, which stay (with the runtime) after the processes that made them.
    uint64_t budget_held_by_processes() {
        return host().memory_budget().used() - host().guest_metrics()->charged_bytes();
    }

    // Compiles `bytes` with the Host's import checks; nullptr (and `error` set) if refused.
    std::shared_ptr<const wasm::Module> compile(std::span<const uint8_t> bytes, std::string& error);
    // Starts a root process (every permission, "." preopened, no stdin) at `entry`; its id,
    // or nullopt (and `error` set) when the spawn is refused.
    std::optional<runtime::ProcessId> start(std::shared_ptr<const wasm::Module> module,
                                            std::string& error, std::string_view entry = "_start");

    // A fresh id: every process started before this call has a smaller one.
    runtime::ProcessId id_fence() { return node_->environment().allocate_id(); }

    struct Settled {
        bool all_ended = false;                // false: some process survived its kill (a hang)
        std::optional<Clock::time_point> kill; // when the processes left waiting were killed
    };
    // Waits until no process is live. Once no process has ended for `quiet` (those left
    // wait, as a hostile timeout may ask them to), every process from id `first` on is
    // killed, again until none is live; a process still live `hang_limit` after the kill
    // is a hang. Waiting for quiet rather than a fixed time keeps a loaded machine from
    // killing processes that were merely slow to run. A zero `quiet` kills at once.
    Settled settle(runtime::ProcessId first, Clock::duration quiet, Clock::duration hang_limit);

    // How process `id` ended, if it has.
    std::optional<Ended> ended(runtime::ProcessId id) const;

  private:
    void on_failure(const host::FailureReport& report);
    void on_end(runtime::ProcessId id, int status);

    mutable std::mutex lock_;
    std::map<runtime::ProcessId, host::FailureReport> reports_; // until the process's end
    std::map<runtime::ProcessId, Ended> ended_;
    std::atomic<uint64_t> ends_{0};
    std::unique_ptr<host::Node> node_;
};

} // namespace tycho::hostile
