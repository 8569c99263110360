#include "runtime/memory_budget.h"

#include <unistd.h>

namespace tycho::runtime {

uint64_t MemoryBudget::default_limit() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page_size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page_size <= 0) return uint64_t(4) << 30; // unknown: a modest 4 GiB
    return uint64_t(pages) * uint64_t(page_size) / 4 * 3;
}

} // namespace tycho::runtime
