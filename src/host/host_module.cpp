#include "host/host_module.h"

namespace tycho::host::detail {

size_t next_state_slot() {
    static std::atomic<size_t> next{0};
    return next.fetch_add(1, std::memory_order_relaxed);
}

} // namespace tycho::host::detail
