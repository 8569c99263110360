// The runtime's own limit on open descriptors. Every socket a guest holds is a descriptor
// of the runtime's, and the usual soft limit (1,024) would stop a server guest long before
// memory does; so, as Go and many servers do, the runtime raises its soft limit to the
// hard one at start, without the user having to type `ulimit -n`.
#pragma once

#include <sys/resource.h>

namespace tycho::cli {

// Raises RLIMIT_NOFILE's soft limit to its hard limit. Returns the soft limit in force
// afterwards (the old one if the kernel refused the change; the runtime then runs with it).
rlim_t raise_descriptor_limit();

} // namespace tycho::cli
