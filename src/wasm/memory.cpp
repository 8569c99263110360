// Linear memories and tables. A memory maps exactly its current size and grows with
// mremap, so an idle instance costs address space only for the pages it has.
#include <tycho/wasm/engine.h>

#include <sys/mman.h>

namespace tycho::wasm {

namespace {
constexpr uint32_t kMaxTableSize = 10'000'000; // an engine limit; growth beyond it fails
}

Result<std::shared_ptr<Memory>> Memory::create(const MemoryType& type) {
    if (type.limits.min > kMaxPages) return Error{"memory size must be at most 65536 pages"};
    std::shared_ptr<Memory> m(new Memory());
    m->max_pages_ = type.limits.max;
    if (type.limits.min > 0 && m->grow(type.limits.min) < 0)
        return Error{"cannot allocate " + std::to_string(type.limits.min) + " pages of memory"};
    return m;
}

Memory::~Memory() {
    if (base_) munmap(base_, mapped_);
}

int64_t Memory::grow(uint32_t delta) {
    const uint64_t old_pages = pages();
    const uint64_t new_pages = old_pages + delta;
    const uint64_t limit = std::min<uint64_t>(max_pages_.value_or(kMaxPages), page_limit_);
    if (new_pages > limit || new_pages > kMaxPages) return -1;
    if (delta == 0) return int64_t(old_pages);
    const size_t new_size = size_t(new_pages) * kPageSize;
    void* p;
    if (base_ == nullptr)
        p = mmap(nullptr, new_size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    else
        p = mremap(base_, mapped_, new_size, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) return -1;
    base_ = static_cast<uint8_t*>(p);
    mapped_ = new_size;
    size_ = new_size;
    return int64_t(old_pages);
}

Result<std::shared_ptr<Table>> Table::create(const TableType& type, RefBits init) {
    if (type.limits.min > kMaxTableSize)
        return Error{"table of " + std::to_string(type.limits.min) + " elements is too large"};
    std::shared_ptr<Table> t(new Table());
    t->element_ = type.element;
    t->max_ = type.limits.max;
    t->elements_.assign(type.limits.min, init);
    return t;
}

int64_t Table::grow(uint32_t delta, RefBits init) {
    const uint64_t old = size();
    const uint64_t wanted = old + delta;
    if (wanted > max_.value_or(UINT32_MAX) || wanted > kMaxTableSize) return -1;
    elements_.resize(size_t(wanted), init);
    return int64_t(old);
}

} // namespace tycho::wasm
