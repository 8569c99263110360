#include "runtime/stack_pool.h"

#include "runtime/page_advice.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 // Linux 6.13; older headers lack it
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 // Linux 5.14
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
// Offset in a cell of the page holding the byte just below `depth` bytes under its top,
// above the guard page.
size_t first_touch_page(size_t cell_bytes, size_t guard_bytes, size_t depth) {
    const size_t byte = cell_bytes - 1 - std::min(depth, cell_bytes - guard_bytes - 1);
    return byte / page_size() * page_size();
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
      max_cached_(options.max_cached), growth_batch_(std::max<size_t>(1, options.growth_batch)),
      first_touch_offset_(first_touch_page(cell_bytes_, guard_bytes_, options.first_touch_depth)) {
    if (options.prepare_in_background) preparer_ = std::thread([this] { prepare_ahead(); });
}

StackPool::~StackPool() {
    if (preparer_.joinable()) {
        {
            std::lock_guard guard(lock_);
            stopping_ = true;
        }
        batch_wanted_changed_.notify_one();
        preparer_.join();
    }
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

size_t StackPool::prepared() const {
    std::lock_guard guard(lock_);
    return prepared_.size();
}

StackPool::Stats StackPool::stats() const {
    std::lock_guard guard(lock_);
    Stats stats;
    stats.carved = carved_;
    stats.cached = cached_.size();
    stats.prepared = prepared_.size();
    stats.released = released_.size();
    for (const Slab& slab : slabs_)
        stats.reserved_bytes += slab.bytes;
    return stats;
}

uint8_t* StackPool::take_cell() {
    std::vector<uint8_t*> batch;
    {
        std::unique_lock guard(lock_);
        // Resident pages first, then prepared cells (their first page resident), then cells
        // whose pages went back to the system.
        for (auto* list : {&cached_, &prepared_, &released_}) {
            if (!list->empty()) {
                uint8_t* cell = list->back();
                list->pop_back();
                if (list == &prepared_ && running_low()) {
                    batch_wanted_ = true;
                    guard.unlock();
                    batch_wanted_changed_.notify_one();
                }
                return cell;
            }
        }
        batch = carve_batch();
        if (preparer_.joinable()) batch_wanted_ = true; // it fell behind: the next batch now
    }
    batch_wanted_changed_.notify_one();
    prepare(batch); // outside the lock: system calls that touch pages
    if (batch.empty()) return nullptr;
    uint8_t* cell = batch.back();
    batch.pop_back();
    if (!batch.empty()) {
        std::lock_guard guard(lock_);
        prepared_.insert(prepared_.end(), batch.begin(), batch.end());
    }
    return cell;
}

// Fresh cells, as many as were carved before (so that a program that uses few stacks
// prepares few), at least one and at most growth_batch_; the first carved last. Fewer (or
// none) when the system refuses a new slab. Called locked.
std::vector<uint8_t*> StackPool::carve_batch() {
    const size_t n = std::clamp<size_t>(carved_, 1, growth_batch_);
    std::vector<uint8_t*> cells;
    cells.reserve(n);
    while (cells.size() < n) {
        uint8_t* cell = carve_cell();
        if (!cell) break;
        cells.push_back(cell);
    }
    carved_ += cells.size();
    std::reverse(cells.begin(), cells.end());
    return cells;
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

// Whether fewer prepared cells are left than half the next batch, with a thread to prepare
// it. Called locked.
bool StackPool::running_low() const {
    return preparer_.joinable() && !batch_wanted_ &&
           prepared_.size() * 2 < std::clamp<size_t>(carved_, 1, growth_batch_);
}

// The background preparer: one batch each time take_cell() finds the prepared cells running
// low, unless free cells came back meanwhile.
void StackPool::prepare_ahead() {
    std::unique_lock lock(lock_);
    for (;;) {
        batch_wanted_changed_.wait(lock, [this] { return stopping_ || batch_wanted_; });
        if (stopping_) return;
        batch_wanted_ = false;
        if (!cached_.empty() || !released_.empty()) continue;
        std::vector<uint8_t*> batch = carve_batch();
        lock.unlock();
        prepare(batch);
        lock.lock();
        prepared_.insert(prepared_.begin(), batch.begin(), batch.end()); // behind those left
    }
}

// Installs the guards of fresh cells and makes resident the page their stacks are first
// written at, one system call for all cells each (see advise_ranges). A cell whose guard
// cannot be installed is dropped: it stays carved and unused (rare: the system is out of
// memory or of mappings). Guards survive MADV_DONTNEED, so each cell gets its guard once.
void StackPool::prepare(std::vector<uint8_t*>& cells) {
    if (cells.empty()) return;
    std::vector<iovec> ranges(cells.size());
    bool guarded = false;
    if (madvise_guards_.load(std::memory_order_relaxed)) {
        for (size_t i = 0; i < cells.size(); ++i)
            ranges[i] = iovec{cells[i], guard_bytes_};
        guarded = advise_ranges(ranges, MADV_GUARD_INSTALL);
    }
    if (!guarded) // one by one, with the fallback for kernels without guard regions
        std::erase_if(cells, [this](uint8_t* cell) { return !install_guard(cell); });
    if (populate_.load(std::memory_order_relaxed)) {
        ranges.resize(cells.size());
        for (size_t i = 0; i < cells.size(); ++i)
            ranges[i] = iovec{cells[i] + first_touch_offset_, page_size()};
        // A page not made resident is only faulted in later; a kernel without
        // MADV_POPULATE_WRITE (before 5.14) is not asked again.
        if (!advise_ranges(ranges, MADV_POPULATE_WRITE) && errno == EINVAL)
            populate_.store(false, std::memory_order_relaxed);
    }
}

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
