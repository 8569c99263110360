// A resource table (resource_table.h) whose entries are charged to the owning process's
// memory account (process_memory.h): each entry costs the bytes its owner says it holds
// plus the table's own bookkeeping, so a guest that creates configs, modules, errors or
// timers in a loop runs into its max_memory instead of exhausting the host.
#pragma once

#include "host/process_memory.h"
#include "host/resource_table.h"

#include <tycho/wasm/engine.h>

#include <optional>
#include <string>

namespace tycho::host {

template <class T> class ChargedTable {
  public:
    // What one entry costs besides its value's own heap bytes (node, hash slot).
    static constexpr uint64_t kEntryBytes = 64 + sizeof(T);

    explicit ChargedTable(ProcessMemory& account) : account_(account) {}
    ChargedTable(const ChargedTable&) = delete;
    ChargedTable& operator=(const ChargedTable&) = delete;
    // No release here: the account gives everything back when the process ends.
    ~ChargedTable() = default;

    // Inserts `value`, which holds `heap_bytes` on the heap, and returns its id; nullopt
    // after trapping `caller` when the account refuses (`function` names the host call).
    std::optional<uint64_t> insert(wasm::Caller& caller, const char* function, T value,
                                   uint64_t heap_bytes = 0) {
        const uint64_t bytes = kEntryBytes + heap_bytes;
        if (!account_.try_charge(bytes)) {
            caller.trap(std::string(function) + ": " + account_.refusal());
            return std::nullopt;
        }
        return table_.insert(Entry{std::move(value), bytes});
    }
    T* find(uint64_t id) {
        Entry* entry = table_.find(id);
        return entry ? &entry->value : nullptr;
    }
    std::optional<T> take(uint64_t id) {
        auto entry = table_.take(id);
        if (!entry) return std::nullopt;
        account_.release(entry->bytes);
        return std::move(entry->value);
    }
    bool erase(uint64_t id) { return take(id).has_value(); }
    // Charges `more` heap bytes to entry `id` (which must exist), for values that grow;
    // false after trapping `caller` when the account refuses.
    bool grow(wasm::Caller& caller, const char* function, uint64_t id, uint64_t more) {
        if (!account_.try_charge(more)) {
            caller.trap(std::string(function) + ": " + account_.refusal());
            return false;
        }
        table_.find(id)->bytes += more;
        return true;
    }
    size_t size() const { return table_.size(); }

  private:
    struct Entry {
        T value;
        uint64_t bytes; // charged for this entry
    };
    ProcessMemory& account_;
    ResourceTable<Entry> table_;
};

} // namespace tycho::host
