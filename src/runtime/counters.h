// Event counts the runtime keeps for statistics only: nothing in the runtime reads them, an
// exporter may (at any time, from any thread). Each scheduler worker has its own set, added
// to by that worker's thread alone, so counting is an ordinary increment: a relaxed load and
// store of a word (no locked instruction, no shared cache line), which other threads still
// read whole. Events on other threads (the main thread starting the root process, the
// timer thread delivering delayed messages) go to one shared set with atomic additions.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace tycho::runtime {

enum class Counter : uint8_t {
    processes_spawned, // processes started (made visible and runnable)
    processes_failed,  // processes that ended with a failure (a trap, a kill, a linked failure)
    messages_sent,     // messages put into a live process's mailbox by a send
    messages_received, // messages a process took from its mailbox
    reductions,        // function entries and loop back-edges run by processes
};
inline constexpr size_t kCounterCount = 5;

class Counters {
  public:
    // Only ever from one thread (the set's owner).
    void add_own(Counter counter, uint64_t n) {
        std::atomic<uint64_t>& value = values_[size_t(counter)];
        value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    // From any thread.
    void add_shared(Counter counter, uint64_t n) {
        values_[size_t(counter)].fetch_add(n, std::memory_order_relaxed);
    }
    uint64_t get(Counter counter) const {
        return values_[size_t(counter)].load(std::memory_order_relaxed);
    }

  private:
    std::array<std::atomic<uint64_t>, kCounterCount> values_{};
};

} // namespace tycho::runtime
