// random_get over getrandom(2).
#include "host/wasi/wasi_functions.h"

#include <cerrno>
#include <sys/random.h>

namespace tycho::host::wasi {

Errno random_get(GuestMemory& memory, uint32_t buf, uint32_t len) {
    auto bytes = memory.bytes(buf, len);
    if (!bytes) return Errno::Fault;
    // getrandom may return fewer bytes than asked (at most 32 MiB per call, or fewer when a
    // signal arrives), so it is called until the buffer is full.
    size_t done = 0;
    while (done < bytes->size()) {
        const ssize_t n = ::getrandom(bytes->data() + done, bytes->size() - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_from_host(errno);
        }
        done += size_t(n);
    }
    return Errno::Success;
}

} // namespace tycho::host::wasi
