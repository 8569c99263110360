// One madvise advice for many page ranges at once. Preparing many fresh stack cells (guard
// pages, first pages made resident) one system call per range costs a kernel entry and a
// mapping lookup each; process_madvise takes up to 1,024 ranges per call.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <span>

namespace tycho::runtime {

// Applies `advice` (an MADV_* value) to every range: through process_madvise on this process
// when the kernel allows it for that advice (Linux 6.15 and later), otherwise one madvise per
// range. Returns whether every range took it; after a failure some ranges may have. Only for
// advice that may be given twice to the same pages (MADV_GUARD_INSTALL, MADV_POPULATE_WRITE):
// a call the kernel stops part-way is redone range by range.
bool advise_ranges(std::span<const iovec> ranges, int advice);

} // namespace tycho::runtime
