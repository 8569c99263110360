// Native stacks for fibers, each with a guard page, recycled through a pool: on this VM a
// freshly touched page costs tens of microseconds and an mmap/munmap pair about two, so
// spawn speed is decided by reusing stacks whose pages are already resident.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace tycho::runtime {

class StackPool;

// One mapped stack: [guard page | usable bytes]. The stack grows down from top().
class FiberStack {
  public:
    FiberStack() = default;
    FiberStack(FiberStack&& other) noexcept { *this = std::move(other); }
    FiberStack& operator=(FiberStack&& other) noexcept;
    FiberStack(const FiberStack&) = delete;
    FiberStack& operator=(const FiberStack&) = delete;
    ~FiberStack();

    bool valid() const { return mapping_ != nullptr; }
    // Lowest usable address (just above the guard page).
    uint8_t* bottom() const { return mapping_ + guard_; }
    uint8_t* top() const { return mapping_ + mapped_; }
    size_t size() const { return mapped_ - guard_; }

  private:
    friend class StackPool;
    FiberStack(uint8_t* mapping, size_t mapped, size_t guard)
        : mapping_(mapping), mapped_(mapped), guard_(guard) {}
    uint8_t* mapping_ = nullptr;
    size_t mapped_ = 0;
    size_t guard_ = 0;
};

// Hands out stacks of one size and takes them back. Thread-safe.
class StackPool {
  public:
    struct Options {
        size_t stack_bytes = size_t(256) << 10; // usable bytes per stack (rounded to pages)
        size_t max_cached = 1024;               // stacks kept for reuse; beyond that, unmapped
    };
    StackPool();
    explicit StackPool(const Options& options);
    ~StackPool();
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;

    // A cached stack, or a newly mapped one; an invalid stack when the system refuses.
    FiberStack acquire();
    void release(FiberStack stack);

    size_t stack_bytes() const { return stack_bytes_; }
    size_t cached() const;

  private:
    size_t stack_bytes_;
    size_t guard_bytes_;
    size_t max_cached_;
    mutable std::mutex lock_;
    std::vector<FiberStack> free_;
};

} // namespace tycho::runtime
