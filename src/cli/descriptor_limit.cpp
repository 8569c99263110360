#include "descriptor_limit.h"

namespace tycho::cli {

rlim_t raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur >= limit.rlim_max) return limit.rlim_cur;
    const rlim_t old_soft = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    // Refused when the hard limit is above fs.nr_open ("unlimited"); the old one stays.
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return old_soft;
    return limit.rlim_cur;
}

} // namespace tycho::cli
