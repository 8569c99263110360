#include "runtime/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <utility>

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
        if (mapping_) munmap(mapping_, mapped_);
        mapping_ = std::exchange(other.mapping_, nullptr);
        mapped_ = std::exchange(other.mapped_, 0);
        guard_ = std::exchange(other.guard_, 0);
    }
    return *this;
}

FiberStack::~FiberStack() {
    if (mapping_) munmap(mapping_, mapped_);
}

StackPool::StackPool() : StackPool(Options{}) {}

StackPool::StackPool(const Options& options)
    : stack_bytes_(round_up(options.stack_bytes, page_size())), guard_bytes_(page_size()),
      max_cached_(options.max_cached) {}

StackPool::~StackPool() = default;

FiberStack StackPool::acquire() {
    {
        std::lock_guard guard(lock_);
        if (!free_.empty()) {
            FiberStack stack = std::move(free_.back());
            free_.pop_back();
            return stack;
        }
    }
    const size_t mapped = stack_bytes_ + guard_bytes_;
    // MAP_NORESERVE: only the pages a fiber touches count, so idle fibers stay small.
    void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (p == MAP_FAILED) return {};
    auto* base = static_cast<uint8_t*>(p);
    if (mprotect(base, guard_bytes_, PROT_NONE) != 0) {
        munmap(base, mapped);
        return {};
    }
    return FiberStack(base, mapped, guard_bytes_);
}

void StackPool::release(FiberStack stack) {
    if (!stack.valid() || stack.size() != stack_bytes_) return; // foreign stacks just unmap
    std::lock_guard guard(lock_);
    if (free_.size() < max_cached_) free_.push_back(std::move(stack));
}

size_t StackPool::cached() const {
    std::lock_guard guard(lock_);
    return free_.size();
}

} // namespace tycho::runtime
