// One Tycho node: the scheduler, timers, the reactor for fd readiness, stack pool and the
// pool for blocking jobs, one environment, and the host that runs Wasm processes in it. The CLI
// runs a root process in a node; tests build their own.
#pragma once

#include "host/host.h"
#include "runtime/blocking_pool.h"
#include "runtime/environment.h"
#include "runtime/reactor.h"
#include "runtime/scheduler.h"
#include "runtime/stack_pool.h"
#include "runtime/timer_service.h"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace tycho::host {

struct NodeOptions {
    unsigned workers = 0; // 0: one per core
    HostOptions host;
};

class Node {
  public:
    explicit Node(NodeOptions options);
    // Processes still running are abandoned, not notified (as when the root ends, §14.1).
    ~Node();

    Host& host() { return *host_; }
    unsigned workers() const { return scheduler_->workers(); }
    runtime::Environment& environment() { return *environment_; }

    // Spawns the root process (all permissions, §14.1, or `config` as given), waits until
    // it ends and returns its exit status. An instantiation failure comes back as an error.
    // `preopens` are its opened directories and sockets; null: the config's directories,
    // opened now.
    wasm::Result<int, std::string> run_root(std::shared_ptr<const wasm::Module> module,
                                            ProcessConfig config, std::string_view entry = "_start",
                                            std::string module_name = "",
                                            std::shared_ptr<const PreopenSet> preopens = nullptr);

    // One more environment on this node's scheduler, timers, reactor and pools, with process ids
    // and a registry of its own (`cargo test` mode runs each test in one, §14.3). It lives as long
    // as the node; roots join it through Host::SpawnRequest::environment.
    runtime::Environment& add_environment(uint64_t id);

  private:
    NodeOptions options_;
    std::unique_ptr<runtime::Scheduler> scheduler_;
    std::unique_ptr<runtime::TimerService> timers_;
    std::unique_ptr<runtime::Reactor> reactor_;
    std::unique_ptr<runtime::BlockingPool> blocking_;
    std::unique_ptr<runtime::StackPool> stacks_;
    std::unique_ptr<runtime::Environment> environment_;
    std::unique_ptr<Host> host_;
    std::mutex environments_lock_;
    std::vector<std::unique_ptr<runtime::Environment>> more_environments_;

    std::mutex root_lock_;
    std::condition_variable root_done_;
    std::optional<int> root_status_;
};

} // namespace tycho::host
