// What one process holds of the memory Tycho counts, against its limits (lunatic-abi.md
// §2.2, §11):
//   - linear memory: at most the config's max_memory, exactly as Lunatic (memory.grow
//     returns -1 beyond it; the engine's page limit enforces it). It is reserved address
//     space that costs memory only as the guest touches it, so it is bounded per process
//     and not counted below;
//   - host memory the guest makes the host allocate (tables, the message being written,
//     delayed messages, configs and their strings, modules, error texts): at most
//     max_memory as well, counted separately so that memory.grow behaves as on Lunatic;
//     tables also stay below Lunatic's 100,000 elements each;
//   - that host memory, plus a fixed share per process, counts against the runtime-wide
//     budget (--max-total-memory) every process draws from. It is the memory whose
//     exhaustion would otherwise end the whole runtime in a failed allocation.
// Everything counted is given back to the runtime-wide budget when the process ends.
#pragma once

#include "runtime/memory_budget.h"

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <string>

namespace tycho::host {

class ProcessMemory final : public wasm::ResourceLimiter {
  public:
    // Lunatic refuses a table of this many elements or more.
    static constexpr uint32_t kMaxTableElements = 100'000;
    // What a process costs before its guest allocates anything (stacks, bookkeeping),
    // drawn from the runtime-wide budget at spawn.
    static constexpr uint64_t kProcessShare = 8 * 1024;

    // kProcessShare was already drawn from `budget` for this process at spawn; it goes back
    // with the rest when the process ends.
    ProcessMemory(uint64_t max_memory, runtime::MemoryBudget& budget)
        : max_memory_(max_memory), budget_(budget) {}
    ~ProcessMemory() override { budget_.release(kProcessShare + host_); }
    ProcessMemory(const ProcessMemory&) = delete;
    ProcessMemory& operator=(const ProcessMemory&) = delete;

    // Counts `bytes` of host memory for the process; false (and a refusal() text) when its
    // max_memory or the runtime-wide budget would be exceeded.
    bool try_charge(uint64_t bytes);
    void release(uint64_t bytes);
    // Why the last charge or growth was refused.
    const std::string& refusal() const { return refusal_; }

    bool memory_growing(size_t current_bytes, size_t desired_bytes) override;
    bool table_growing(uint32_t current_elements, uint32_t desired_elements) override;

  private:
    bool charge_budget(uint64_t bytes);

    const uint64_t max_memory_;
    runtime::MemoryBudget& budget_;
    uint64_t host_ = 0;
    std::string refusal_;
};

// Host memory a host call holds only while it runs (copies of guest strings, a result
// being encoded), charged to the process for that time.
class TemporaryCharge {
  public:
    explicit TemporaryCharge(ProcessMemory& account) : account_(account) {}
    ~TemporaryCharge() { account_.release(charged_); }
    TemporaryCharge(const TemporaryCharge&) = delete;
    TemporaryCharge& operator=(const TemporaryCharge&) = delete;

    // False (the account's refusal() says why) when the account refuses.
    bool add(uint64_t bytes) {
        if (!account_.try_charge(bytes)) return false;
        charged_ += bytes;
        return true;
    }
    const std::string& refusal() const { return account_.refusal(); }

  private:
    ProcessMemory& account_;
    uint64_t charged_ = 0;
};

} // namespace tycho::host
