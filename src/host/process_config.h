// A process configuration (lunatic-abi.md §11): limits, permissions and the WASI lists.
// A process holds the config it was spawned with as an immutable snapshot, shared with the
// children it spawns with config -1 and with every process spawned from the same unchanged
// table entry; later edits never reach running processes (ConfigEntry copies on write).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tycho::host {

// A directory a process gets preopened (WASI): `host_path` on the host (relative paths are
// relative to the runtime's working directory), shown to the guest as `guest_name`.
struct PreopenDir {
    std::string host_path;
    std::string guest_name;
    bool operator==(const PreopenDir&) const = default;
};

struct ProcessConfig {
    uint64_t max_memory = UINT32_MAX; // bytes; growth is allowed while the total stays within
    uint64_t max_fuel = 0;            // units of 100,000 reductions; 0 = unlimited
    bool can_compile_modules = false;
    bool can_create_configs = false;
    bool can_spawn_processes = false;
    std::vector<PreopenDir> preopens;
    std::vector<std::string> args;
    std::vector<std::string> env; // "KEY=VALUE"
};

// One config in a process's table (§11.2). Spawning takes a snapshot, which shares the
// config with the entry until the entry's next edit; that edit first copies the config, so
// processes already spawned keep what they were spawned with. Only the owning process
// touches an entry; snapshots are read-only and may be shared across threads.
class ConfigEntry {
  public:
    ConfigEntry() : config_(std::make_shared<ProcessConfig>()) {}

    const ProcessConfig& get() const { return *config_; }
    // The config for changing, copied first if a snapshot of it was taken.
    ProcessConfig& edit() {
        if (shared_) {
            config_ = std::make_shared<ProcessConfig>(*config_);
            shared_ = false;
        }
        return *config_;
    }
    // The config as it is now, for a process to be spawned with.
    std::shared_ptr<const ProcessConfig> snapshot() {
        shared_ = true;
        return config_;
    }

  private:
    std::shared_ptr<ProcessConfig> config_;
    bool shared_ = false; // a snapshot may still point at *config_
};

} // namespace tycho::host
