// A runtime-wide memory budget: what all processes together may hold of the memory Tycho
// counts for them (linear memories, tables, messages being written, config strings, a fixed
// share per process). Past it, spawns and growth fail cleanly (an error code, -1 from
// memory.grow, a trap) instead of the whole runtime dying of an allocation failure in some
// innocent process. Thread-safe; charges and releases are one atomic operation each.
#pragma once

#include <atomic>
#include <cstdint>

namespace tycho::runtime {

class MemoryBudget {
  public:
    explicit MemoryBudget(uint64_t limit_bytes) : limit_(limit_bytes) {}
    MemoryBudget(const MemoryBudget&) = delete;
    MemoryBudget& operator=(const MemoryBudget&) = delete;

    // Counts `bytes` more if the total stays within the limit; false (and nothing counted)
    // otherwise.
    bool try_charge(uint64_t bytes) {
        uint64_t used = used_.load(std::memory_order_relaxed);
        do {
            if (bytes > limit_ || used > limit_ - bytes) return false;
        } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
        return true;
    }
    // Gives back what an earlier try_charge counted.
    void release(uint64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

    uint64_t limit() const { return limit_; }
    uint64_t used() const { return used_.load(std::memory_order_relaxed); }

    // The default limit: three quarters of the machine's physical memory.
    static uint64_t default_limit();

  private:
    const uint64_t limit_;
    std::atomic<uint64_t> used_{0};
};

} // namespace tycho::runtime
