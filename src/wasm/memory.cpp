// Linear memories and tables. A memory either maps exactly its current size and grows with
// mremap, so an idle instance costs address space only for the pages it has, or lives in a
// cell of a MemoryPool (see engine.h) until it outgrows it.
#include "layout.h"

#include <tycho/wasm/engine.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace tycho::wasm {

namespace {
constexpr uint32_t kMaxTableSize = 10'000'000; // an engine limit; growth beyond it fails

size_t system_page() {
    static const size_t size = size_t(sysconf(_SC_PAGESIZE));
    return size;
}

uint8_t* map_anonymous(size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

uint8_t* remap(uint8_t* base, size_t old_bytes, size_t new_bytes) {
    void* p = mremap(base, old_bytes, new_bytes, MREMAP_MAYMOVE);
    return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

// Whether the 64-byte line at p is all zeros.
bool zero_line(const uint8_t* p) {
    uint64_t bits = 0;
    for (size_t k = 0; k < 64; k += sizeof bits) {
        uint64_t word;
        std::memcpy(&word, p + k, sizeof word);
        bits |= word;
    }
    return bits == 0;
}

// Stops at the first non-zero cache line, looking at the page's last line first: a page a
// process wrote to is usually found dirty at once (stacks grow down from the end of
// theirs, data runs on to the end of its pages), and only pages that were merely read
// (the shared zero page) are scanned whole.
bool all_zero(const uint8_t* p, size_t n) {
    constexpr size_t kLine = 64;
    if (n >= kLine && !zero_line(p + n - kLine)) return false;
    for (size_t i = 0; i + kLine <= n; i += kLine)
        if (!zero_line(p + i)) return false;
    return true;
}

// Makes [p, p+n) read as zeros while keeping its resident pages: only those can hold
// anything but zeros, and writing an untouched page would cost a page fault. A resident
// page may also be the shared zero page (read, never written): it is checked before being
// written, for the same reason.
void zero_resident_pages(uint8_t* p, size_t n) {
    const size_t page = system_page();
    constexpr size_t kChunkPages = 512;
    unsigned char resident[kChunkPages];
    for (size_t done = 0; done < n; done += kChunkPages * page) {
        const size_t chunk = std::min(n - done, kChunkPages * page);
        uint8_t* at = p + done;
        if (mincore(at, chunk, resident) != 0) {
            madvise(at, chunk, MADV_DONTNEED); // zeroes too, just more slowly for the next user
            continue;
        }
        for (size_t i = 0; i < chunk / page; ++i)
            if ((resident[i] & 1) && !all_zero(at + i * page, page))
                std::memset(at + i * page, 0, page);
    }
}
} // namespace

// ---- MemoryPool ----------------------------------------------------------------------------

std::shared_ptr<MemoryPool> MemoryPool::create() {
    return create(Options{});
}

std::shared_ptr<MemoryPool> MemoryPool::create(const Options& options) {
    return std::make_shared<MemoryPool>(options, Token{});
}

MemoryPool::MemoryPool(const Options& options, Token)
    : reservation_(std::max<size_t>(1, (options.reservation_bytes + kPageSize - 1) / kPageSize) *
                   kPageSize),
      cells_per_slab_(std::max<size_t>(1, options.slab_bytes / reservation_)),
      max_cached_(options.max_cached) {}

MemoryPool::~MemoryPool() {
    for (const Slab& slab : slabs_)
        munmap(slab.base, slab.bytes);
}

size_t MemoryPool::cached() const {
    std::lock_guard guard(lock_);
    return cached_.size();
}

MemoryPool::Stats MemoryPool::stats() const {
    std::lock_guard guard(lock_);
    Stats stats;
    if (!slabs_.empty())
        stats.carved = (slabs_.size() - 1) * cells_per_slab_ + carved_in_last_slab_;
    stats.cached = cached_.size();
    stats.released = released_.size();
    for (const Slab& slab : slabs_)
        stats.reserved_bytes += slab.bytes;
    return stats;
}

uint8_t* MemoryPool::take_cell() {
    std::lock_guard guard(lock_);
    if (!cached_.empty()) {
        --kept_;
        uint8_t* cell = cached_.back();
        cached_.pop_back();
        return cell;
    }
    if (!released_.empty()) {
        uint8_t* cell = released_.back();
        released_.pop_back();
        return cell;
    }
    return carve_cell();
}

// A never-used cell from the last slab, mapping a new slab when it is full. Called locked.
uint8_t* MemoryPool::carve_cell() {
    if (slabs_.empty() || carved_in_last_slab_ == cells_per_slab_) {
        const size_t bytes = cells_per_slab_ * reservation_;
        uint8_t* base = map_anonymous(bytes);
        if (!base) return nullptr;
        // A huge page would span cells and make first touches and zeroing cost 2 MiB.
        madvise(base, bytes, MADV_NOHUGEPAGE);
        slabs_.push_back(Slab{base, bytes});
        carved_in_last_slab_ = 0;
    }
    return slabs_.back().base + reservation_ * carved_in_last_slab_++;
}

// `used` bytes from the start of the cell may be non-zero; the rest was never written.
void MemoryPool::give_back(uint8_t* cell, size_t used) {
    bool keep;
    {
        std::lock_guard guard(lock_);
        keep = kept_ < max_cached_;
        if (keep) ++kept_;
    }
    if (keep)
        zero_resident_pages(cell, used);
    else if (used > 0)
        madvise(cell, used, MADV_DONTNEED);
    std::lock_guard guard(lock_);
    (keep ? cached_ : released_).push_back(cell);
}

// ---- Memory --------------------------------------------------------------------------------

std::shared_ptr<Memory> Memory::make_memory() {
    // Compiled code reads memory 0's base and size by offset (layout.h).
    static_assert(std::is_standard_layout_v<Memory>);
    static_assert(offsetof(Memory, base_) == detail::kMemoryBaseOffset);
    static_assert(offsetof(Memory, size_) == detail::kMemorySizeOffset);
    struct Allocatable : Memory {}; // lets make_shared reach the private constructor
    return std::make_shared<Allocatable>();
}

Result<std::shared_ptr<Memory>> Memory::create(const MemoryType& type,
                                               const std::shared_ptr<MemoryPool>& pool) {
    const size_t initial = size_t(type.limits.min) * kPageSize;
    if (!pool || type.limits.min > kMaxPages || initial > pool->reservation_bytes())
        return create(type);
    auto m = make_memory();
    uint8_t* cell = pool->take_cell();
    if (!cell) return Error{"cannot allocate a memory from the pool"};
    m->base_ = cell;
    m->pool_ = pool;
    m->mapped_ = pool->reservation_bytes();
    m->size_ = initial;
    m->max_pages_ = type.limits.max;
    return m;
}

Result<std::shared_ptr<Memory>> Memory::create(const MemoryType& type) {
    if (type.limits.min > kMaxPages) return Error{"memory size must be at most 65536 pages"};
    auto m = make_memory();
    m->max_pages_ = type.limits.max;
    if (type.limits.min > 0 && m->grow(type.limits.min) < 0)
        return Error{"cannot allocate " + std::to_string(type.limits.min) + " pages of memory"};
    return m;
}

Memory::~Memory() {
    if (pool_)
        pool_->give_back(base_, size_);
    else if (base_)
        munmap(base_, mapped_);
}

// Moves the data from its pool cell to a mapping of its own of `new_size` bytes.
bool Memory::leave_cell(size_t new_size) {
    uint8_t* own = map_anonymous(new_size);
    if (!own) return false;
    std::memcpy(own, base_, size_);
    pool_->give_back(base_, size_);
    pool_.reset();
    base_ = own;
    mapped_ = new_size;
    size_ = new_size;
    return true;
}

int64_t Memory::grow(uint32_t delta) {
    const uint64_t old_pages = pages();
    const uint64_t new_pages = old_pages + delta;
    const uint64_t limit = std::min<uint64_t>(max_pages_.value_or(kMaxPages), page_limit_);
    if (new_pages > limit || new_pages > kMaxPages) return -1;
    if (delta == 0) return int64_t(old_pages);
    const size_t new_size = size_t(new_pages) * kPageSize;
    if (limiter_ != nullptr && !limiter_->memory_growing(size_, new_size)) return -1;
    if (pool_ && new_size <= mapped_) { // within the cell: its pages beyond size_ are zero
        size_ = new_size;
        return int64_t(old_pages);
    }
    if (pool_) return leave_cell(new_size) ? int64_t(old_pages) : -1;
    uint8_t* p = base_ ? remap(base_, mapped_, new_size) : map_anonymous(new_size);
    if (!p) return -1;
    base_ = p;
    mapped_ = new_size;
    size_ = new_size;
    return int64_t(old_pages);
}

Result<std::shared_ptr<Table>> Table::create(const TableType& type, RefBits init) {
    if (type.limits.min > kMaxTableSize)
        return Error{"table of " + std::to_string(type.limits.min) + " elements is too large"};
    // Compiled code reads a table's elements and size by offset (layout.h).
    static_assert(std::is_standard_layout_v<Table>);
    static_assert(offsetof(Table, elements_) == detail::kTableElementsOffset);
    static_assert(offsetof(Table, size_) == detail::kTableSizeOffset);
    struct Allocatable : Table {}; // lets make_shared reach the private constructor
    std::shared_ptr<Table> t = std::make_shared<Allocatable>();
    t->element_ = type.element;
    t->max_ = type.limits.max;
    t->storage_.assign(type.limits.min, init);
    t->elements_ = t->storage_.data();
    t->size_ = type.limits.min;
    return t;
}

int64_t Table::grow(uint32_t delta, RefBits init) {
    const uint64_t old = size();
    const uint64_t wanted = old + delta;
    if (wanted > max_.value_or(UINT32_MAX) || wanted > kMaxTableSize) return -1;
    if (delta == 0) return int64_t(old);
    if (limiter_ != nullptr && !limiter_->table_growing(uint32_t(old), uint32_t(wanted))) return -1;
    storage_.resize(size_t(wanted), init);
    elements_ = storage_.data();
    size_ = uint32_t(wanted);
    return int64_t(old);
}

} // namespace tycho::wasm
