// Output capture for `cargo test` mode (lunatic-abi.md §14.3): a test's root process writes
// its stdout and stderr into one in-memory buffer, and every process it spawns, directly or
// not, writes into a buffer of its own in the same group, so a test's output can be shown
// with its result instead of interleaved with the others'.
//
// Captured bytes count against the runtime-wide memory budget until the group is gone; once
// the budget is used up, further output is dropped and the text says how much. With `echo`,
// every write also goes to the runtime's stdout as it happens (--nocapture).
#pragma once

#include "host/wasi/wasi.h"
#include "runtime/memory_budget.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace tycho::host {

class CaptureGroup {
  public:
    // `budget` must outlive the group.
    CaptureGroup(runtime::MemoryBudget& budget, bool echo) : budget_(budget), echo_(echo) {}
    ~CaptureGroup();
    CaptureGroup(const CaptureGroup&) = delete;
    CaptureGroup& operator=(const CaptureGroup&) = delete;

    // A new, empty buffer for one more process; its index (the first one is 0).
    size_t add_buffer();
    void append(size_t buffer, std::span<const uint8_t> bytes);
    // What buffer `buffer` holds so far.
    std::string text(size_t buffer) const;
    // All buffers one after the other, in the order they were added, and a last line
    // saying how many bytes were dropped, if any were.
    std::string text() const;

  private:
    runtime::MemoryBudget& budget_;
    const bool echo_;
    mutable std::mutex lock_;
    std::vector<std::string> buffers_; // guarded by lock_
    uint64_t charged_ = 0;             // guarded by lock_
    uint64_t dropped_ = 0;             // guarded by lock_
};

// One process's buffer in a capture group: where its fd 1 and fd 2 write.
class CaptureSink final : public OutputSink {
  public:
    explicit CaptureSink(std::shared_ptr<CaptureGroup> group)
        : group_(std::move(group)), buffer_(group_->add_buffer()) {}

    void write(std::span<const uint8_t> bytes) override { group_->append(buffer_, bytes); }
    // Where the processes this one spawns capture their output.
    const std::shared_ptr<CaptureGroup>& group() const { return group_; }

  private:
    std::shared_ptr<CaptureGroup> group_;
    size_t buffer_;
};

} // namespace tycho::host
