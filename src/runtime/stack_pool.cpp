#include "runtime/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 // Linux 6.13; older headers lack it
#endif

namespace tycho::runtime {

namespace {
size_t page_size() {
    static const size_t size = size_t(sysconf(_SC_PAGESIZE));
    return size;
}
size_t round_up(size_t n, size_t to) {
    return (n + to - 1) / to * to;
}
} // namespace

FiberStack& FiberStack::operator=(FiberStack&& other) noexcept {
    if (this != &other) {
        reset();
        pool_ = std::exchange(other.pool_, nullptr);
        cell_ = std::exchange(other.cell_, nullptr);
        cell_bytes_ = std::exchange(other.cell_bytes_, 0);
        guard_ = std::exchange(other.guard_, 0);
        reserved_ = std::exchange(other.reserved_, 0);
    }
    return *this;
}

FiberStack::~FiberStack() {
    reset();
}

void FiberStack::reset() {
    reserved_ = 0;
    if (cell_) pool_->give_back(std::exchange(cell_, nullptr));
}

StackPool::StackPool() : StackPool(Options{}) {}

StackPool::StackPool(const Options& options)
    : cell_bytes_(round_up(options.stack_bytes, page_size()) + page_size()),
      guard_bytes_(page_size()),
      cells_per_slab_(std::max<size_t>(1, options.slab_bytes / cell_bytes_)),
      max_cached_(options.max_cached) {}

StackPool::~StackPool() {
    for (const Slab& slab : slabs_)
        munmap(slab.base, slab.bytes);
}

FiberStack StackPool::acquire() {
    uint8_t* cell = take_cell();
    if (!cell) return {};
    return FiberStack(this, cell, cell_bytes_, guard_bytes_);
}

void StackPool::release(FiberStack stack) {
    stack.reset(); // back to the pool it came from, which need not be this one
}

size_t StackPool::cached() const {
    std::lock_guard guard(lock_);
    return cached_.size();
}

uint8_t* StackPool::take_cell() {
    uint8_t* fresh = nullptr;
    {
        std::lock_guard guard(lock_);
        for (auto* list : {&cached_, &released_}) {
            if (!list->empty()) {
                uint8_t* cell = list->back();
                list->pop_back();
                return cell;
            }
        }
        fresh = carve_cell();
    }
    // A cell without a guard is never handed out: it stays carved and unused (rare: the
    // system is out of memory or of mappings).
    if (fresh && !install_guard(fresh)) return nullptr;
    return fresh;
}

// A never-used cell from the last slab, mapping a new slab when it is full. Called locked.
uint8_t* StackPool::carve_cell() {
    if (slabs_.empty() || carved_in_last_slab_ == cells_per_slab_) {
        const size_t bytes = cells_per_slab_ * cell_bytes_;
        // MAP_NORESERVE: only the pages a fiber touches count, so idle fibers stay small.
        void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (p == MAP_FAILED) return nullptr;
        // Huge pages would be split by the guards and make a first touch cost 2 MiB.
        madvise(p, bytes, MADV_NOHUGEPAGE);
        slabs_.push_back(Slab{static_cast<uint8_t*>(p), bytes});
        carved_in_last_slab_ = 0;
    }
    return slabs_.back().base + cell_bytes_ * carved_in_last_slab_++;
}

// Guards survive MADV_DONTNEED, so each cell gets its guard once, when first carved.
bool StackPool::install_guard(uint8_t* cell) {
    if (madvise_guards_.load(std::memory_order_relaxed)) {
        if (madvise(cell, guard_bytes_, MADV_GUARD_INSTALL) == 0) return true;
        if (errno == EINVAL) madvise_guards_.store(false, std::memory_order_relaxed);
    }
    // Kernels before 6.13: a PROT_NONE page splits the slab's VMA in up to three, so here
    // vm.max_map_count (65530) caps the pool at about 32,000 stacks.
    return mprotect(cell, guard_bytes_, PROT_NONE) == 0;
}

void StackPool::give_back(uint8_t* cell) {
    {
        std::lock_guard guard(lock_);
        if (cached_.size() < max_cached_) {
            cached_.push_back(cell);
            return;
        }
    }
    // Over the cap: drop the pages, keep the address range (and its guard) for reuse.
    madvise(cell + guard_bytes_, cell_bytes_ - guard_bytes_, MADV_DONTNEED);
    std::lock_guard guard(lock_);
    released_.push_back(cell);
}

} // namespace tycho::runtime
