// Native stacks for fibers, each with a guard page, recycled through a pool: on this VM a
// freshly touched page costs several microseconds and an mmap/munmap pair about two, so
// spawn speed is decided by reusing stacks whose pages are already resident.
//
// Stacks are cells of large slabs (one mapping holds many stacks), and the guard pages are
// installed with MADV_GUARD_INSTALL, which does not split the mapping: a million stacks
// cost at most one VMA per slab (neighbouring slabs merge) instead of two million
// (vm.max_map_count is 65530).
//
// When no free cell is left the pool prepares fresh ones in batches (1, 2, 4, ... up to
// Options::growth_batch cells): one system call installs all their guards and another makes
// resident the page each of their stacks is first written at, instead of one madvise and one
// page fault per stack. With Options::prepare_in_background a thread of the pool's own
// prepares the next batch while the last one is being handed out.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace tycho::runtime {

class StackPool;

// One stack: [guard page | usable bytes], a cell of its pool's slabs. The stack grows down
// from top(). Destroying a valid stack gives its cell back to the pool, so a FiberStack
// must not outlive the pool it came from.
class FiberStack {
  public:
    FiberStack() = default;
    FiberStack(FiberStack&& other) noexcept { *this = std::move(other); }
    FiberStack& operator=(FiberStack&& other) noexcept;
    FiberStack(const FiberStack&) = delete;
    FiberStack& operator=(const FiberStack&) = delete;
    ~FiberStack();

    bool valid() const { return cell_ != nullptr; }
    // Lowest usable address (just above the guard page).
    uint8_t* bottom() const { return cell_ + guard_; }
    // Where the stack starts (it grows down from here), below any reserved area.
    uint8_t* top() const { return cell_ + cell_bytes_ - reserved_; }
    size_t size() const { return cell_bytes_ - guard_ - reserved_; }
    // Sets aside [top() - bytes, top()) for the owner's own data, so that the stack starts
    // below it; returns the area's start (the new top()). At most size() bytes; only before
    // a fiber is made on the stack.
    uint8_t* reserve_top(size_t bytes) {
        reserved_ += bytes < size() ? bytes : size();
        return top();
    }

  private:
    friend class StackPool;
    FiberStack(StackPool* pool, uint8_t* cell, size_t cell_bytes, size_t guard)
        : pool_(pool), cell_(cell), cell_bytes_(cell_bytes), guard_(guard) {}
    void reset();

    StackPool* pool_ = nullptr;
    uint8_t* cell_ = nullptr;
    size_t cell_bytes_ = 0;
    size_t guard_ = 0;
    size_t reserved_ = 0;
};

// Hands out stacks of one size and takes them back. Thread-safe. Slabs are unmapped only
// by the destructor, when every stack must have been released or destroyed.
class StackPool {
  public:
    struct Options {
        size_t stack_bytes = size_t(256) << 10; // usable bytes per stack (rounded to pages)
        // Free stacks kept with their pages resident; the pages of further free stacks are
        // returned to the system (their address range stays in the pool for reuse).
        size_t max_cached = 1024;
        size_t slab_bytes = size_t(64) << 20; // address space per slab (at least one stack)
        // Most fresh cells prepared at once (at least 1). Prepared cells not yet handed out
        // hold one resident page each.
        size_t growth_batch = 64;
        // How far below the top of its cell an owner starts using a stack: what it sets aside
        // with reserve_top(). The page just below is the one made resident in fresh cells.
        size_t first_touch_depth = 0;
        // Prepare the next batch on a thread of the pool's own as soon as the prepared cells
        // run low, so that acquire() usually finds one ready. Without it (or when that thread
        // falls behind) the thread that finds none prepares them.
        bool prepare_in_background = false;
    };
    StackPool();
    explicit StackPool(const Options& options);
    ~StackPool();
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;

    // A free stack (most recently released first), or a new cell; an invalid stack when the
    // system refuses.
    FiberStack acquire();
    // Same as destroying the stack: its cell goes back to the pool it came from.
    void release(FiberStack stack);

    size_t stack_bytes() const { return cell_bytes_ - guard_bytes_; }
    // Free stacks whose pages are kept resident.
    size_t cached() const;
    // Fresh cells prepared ahead (guard installed, first page resident), not yet handed out.
    size_t prepared() const;

    // What the pool holds, for statistics: every cell ever carved is handed out (in use),
    // free with its pages kept (cached), prepared, or free with its pages given back
    // (released); cells being prepared count as in use for that moment.
    struct Stats {
        size_t carved = 0;
        size_t cached = 0;
        size_t prepared = 0;
        size_t released = 0;
        size_t reserved_bytes = 0; // address space of all slabs
        size_t in_use() const {
            const size_t free = cached + prepared + released;
            return carved > free ? carved - free : 0;
        }
    };
    Stats stats() const;

  private:
    friend class FiberStack;
    struct Slab {
        uint8_t* base;
        size_t bytes;
    };
    uint8_t* take_cell();
    std::vector<uint8_t*> carve_batch();
    uint8_t* carve_cell();
    void prepare(std::vector<uint8_t*>& cells);
    bool running_low() const;
    void prepare_ahead();
    bool install_guard(uint8_t* cell);
    void give_back(uint8_t* cell);

    size_t cell_bytes_;
    size_t guard_bytes_;
    size_t cells_per_slab_;
    size_t max_cached_;
    size_t growth_batch_;
    size_t first_touch_offset_; // from the cell's start: the page fresh cells get resident
    std::atomic<bool> madvise_guards_{true}; // false once the kernel refused MADV_GUARD_INSTALL
    std::atomic<bool> populate_{true};       // false once it refused MADV_POPULATE_WRITE
    mutable std::mutex lock_;
    std::vector<Slab> slabs_;
    size_t carved_in_last_slab_ = 0;
    size_t carved_ = 0;              // cells carved so far: the next batch is as many (capped)
    std::vector<uint8_t*> cached_;   // free cells with resident pages, most recent last
    std::vector<uint8_t*> prepared_; // fresh cells, guarded, first page resident; next last
    std::vector<uint8_t*> released_; // free cells whose pages went back to the system
    bool batch_wanted_ = false;      // prepare_ahead() has a batch to prepare
    bool stopping_ = false;
    std::condition_variable batch_wanted_changed_;
    std::thread preparer_; // with prepare_in_background; declared last: started last
};

} // namespace tycho::runtime
