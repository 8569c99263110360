// A process's table of the timers it started with send_after (lunatic-abi.md §4, §18): ids
// from 0, never reused. Timers whose deadline has passed leave it lazily, when the process
// next uses the table, in deadline order; so the table holds at most the timers that were
// still pending at that last use, and every call costs O(log n) amortised (no scan).
#pragma once

#include "runtime/timer_service.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

namespace tycho::host {

class TimerTable {
  public:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        runtime::TimerService::TimerId timer = 0; // 0: the target did not exist
        Clock::time_point deadline;
        uint64_t charged = 0; // bytes charged to the process for this timer
    };

    uint64_t insert(Entry entry) {
        const uint64_t id = next_id_++;
        entries_.emplace(id, entry);
        by_deadline_.emplace(entry.deadline, id);
        return id;
    }

    // Removes timer `id` and returns it; nullopt if it was never created, was taken
    // already or has been forgotten as due.
    std::optional<Entry> take(uint64_t id) {
        auto it = entries_.find(id);
        if (it == entries_.end()) return std::nullopt;
        const Entry entry = it->second;
        entries_.erase(it);
        by_deadline_.erase({entry.deadline, id});
        return entry;
    }

    // Forgets every timer due at or before `now` (it has fired, or is about to); returns
    // what they had been charged, in all.
    uint64_t forget_due(Clock::time_point now) {
        uint64_t charged = 0;
        while (!by_deadline_.empty() && by_deadline_.begin()->first <= now) {
            auto it = entries_.find(by_deadline_.begin()->second);
            charged += it->second.charged;
            entries_.erase(it);
            by_deadline_.erase(by_deadline_.begin());
        }
        return charged;
    }

    size_t size() const { return entries_.size(); }

  private:
    std::unordered_map<uint64_t, Entry> entries_;
    std::set<std::pair<Clock::time_point, uint64_t>> by_deadline_; // the same timers
    uint64_t next_id_ = 0;
};

} // namespace tycho::host
