#include "runtime/page_advice.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

namespace tycho::runtime {

namespace {

// PIDFD_SELF_THREAD_GROUP (Linux 6.15): "this process" for pidfd system calls, without
// opening a pidfd. Older headers lack it.
constexpr int kPidfdSelfProcess = -10001;
constexpr size_t kMaxRangesPerCall = 1024; // UIO_MAXIOV

// Cleared once the kernel refuses process_madvise on this process (too old, or an advice
// it does not take there); every later call then goes range by range.
std::atomic<bool> process_madvise_works{true};

bool advise_one_by_one(std::span<const iovec> ranges, int advice) {
    bool all = true;
    for (const iovec& r : ranges)
        all &= madvise(r.iov_base, r.iov_len, advice) == 0;
    return all;
}

} // namespace

bool advise_ranges(std::span<const iovec> ranges, int advice) {
#ifdef SYS_process_madvise
    if (process_madvise_works.load(std::memory_order_relaxed)) {
        bool all = true;
        for (size_t at = 0; at < ranges.size(); at += kMaxRangesPerCall) {
            const auto part = ranges.subspan(at, std::min(kMaxRangesPerCall, ranges.size() - at));
            size_t bytes = 0;
            for (const iovec& r : part)
                bytes += r.iov_len;
            const long done = syscall(SYS_process_madvise, kPidfdSelfProcess, part.data(),
                                      part.size(), advice, 0u);
            if (done >= 0 && size_t(done) == bytes) continue;
            if (done < 0 &&
                (errno == ENOSYS || errno == EBADF || errno == EINVAL || errno == EPERM))
                process_madvise_works.store(false, std::memory_order_relaxed);
            // Stopped part-way or refused: the advice can be applied twice, so redo this part.
            all &= advise_one_by_one(part, advice);
        }
        return all;
    }
#endif
    return advise_one_by_one(ranges, advice);
}

} // namespace tycho::runtime
