// The process registry (lunatic-abi.md §12): names mapped to (node id, process id), shared
// by a root process and everything it spawns. Entries outlive their processes. Lookups,
// changes and get-or-insert are serialised by a FiberMutex, because get_or_spawn keeps
// exclusive access from its lookup through the whole spawn, which may suspend.
#pragma once

#include "runtime/fiber_mutex.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tycho::runtime {

struct RegistryEntry {
    uint64_t node_id = 0;
    uint64_t process_id = 0;
    bool operator==(const RegistryEntry&) const = default;
};

class Registry {
  public:
    explicit Registry(Scheduler& scheduler) : lock_(scheduler) {}

    // All of these run inside tasks; they wait while a get_or_insert holds the registry.
    void put(std::string_view name, RegistryEntry entry);
    std::optional<RegistryEntry> get(std::string_view name);
    void remove(std::string_view name);
    // A name registered for `process_id` on node 0, if any (for reports; linear time).
    std::optional<std::string> name_of(uint64_t process_id);

    // The entry for `name`; when there is none, `make()` (which may suspend) produces one and
    // it is inserted, all under exclusive access. `make` may also return nullopt (it gave up),
    // and nothing is inserted. Returns the entry, if any, and whether it was made.
    template <class Make>
    std::pair<std::optional<RegistryEntry>, bool> get_or_insert(std::string_view name, Make&& make);

  private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    FiberMutex lock_;
    std::unordered_map<std::string, RegistryEntry, Hash, std::equal_to<>> entries_;
};

template <class Make>
std::pair<std::optional<RegistryEntry>, bool> Registry::get_or_insert(std::string_view name,
                                                                      Make&& make) {
    std::lock_guard guard(lock_);
    if (auto it = entries_.find(name); it != entries_.end()) return {it->second, false};
    const std::optional<RegistryEntry> entry = make();
    if (entry) entries_.insert_or_assign(std::string(name), *entry);
    return {entry, true};
}

} // namespace tycho::runtime
