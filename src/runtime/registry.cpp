#include "runtime/registry.h"

namespace tycho::runtime {

void Registry::put(std::string_view name, RegistryEntry entry) {
    std::lock_guard guard(lock_);
    entries_.insert_or_assign(std::string(name), entry);
}

std::optional<RegistryEntry> Registry::get(std::string_view name) {
    std::lock_guard guard(lock_);
    auto it = entries_.find(name);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
}

void Registry::remove(std::string_view name) {
    std::lock_guard guard(lock_);
    if (auto it = entries_.find(name); it != entries_.end()) entries_.erase(it);
}

std::optional<std::string> Registry::name_of(uint64_t process_id) {
    std::lock_guard guard(lock_);
    for (const auto& [name, entry] : entries_)
        if (entry.node_id == 0 && entry.process_id == process_id) return name;
    return std::nullopt;
}

} // namespace tycho::runtime
