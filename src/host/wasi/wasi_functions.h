// The wasi_snapshot_preview1 functions as plain C++ over a process's WasiContext and its
// guest memory (in OnFault::Report mode). wasi.cpp binds them to their Wasm names and types
// in both module versions.
#pragma once

#include "host/guest_memory.h"
#include "host/wasi/wasi.h"
#include "host/wasi/wasi_abi.h"

#include <cstdint>
#include <ctime>
#include <span>
#include <string>
#include <sys/stat.h>

namespace tycho::host::wasi {

// One call in progress: what every body needs.
struct Call {
    wasm::Caller& caller;
    GuestMemory& memory;
    WasiContext& context;
    const WasiBinding& binding;
    Dialect dialect = Dialect::Preview1;

    // The binding's wait, or poll(2) on this thread.
    WaitResult wait(std::span<const IoInterest> interests,
                    std::optional<WasiBinding::Clock::time_point> deadline,
                    std::span<short> revents);
    // The binding's run_blocking, or the job right here.
    bool run_blocking(std::function<void()> job);
    // The descriptor `fd`, or nullptr.
    Descriptor* descriptor(uint32_t fd) { return context.fds.get(fd); }
    // The descriptor `fd` when it exists (else EBADF), is of a kind `fits` accepts (else
    // `misfit`) and holds `needed` (else ENOTCAPABLE); nullptr with `error` set otherwise.
    Descriptor* checked(uint32_t fd, uint64_t needed, Errno& error,
                        bool (*fits)(const Descriptor&) = nullptr, Errno misfit = Errno::Badf);
    // A path argument: UTF-8 in guest memory (EFAULT out of bounds, EILSEQ not UTF-8).
    std::optional<std::string_view> path(uint32_t ptr, uint32_t len, Errno& error);
    // Puts `d` at the lowest free number and stores that number at `fd_out` (checked by the
    // caller); EMFILE when the table is full.
    Errno install(Descriptor d, uint32_t fd_out);
};

// args_* and environ_*: `strings` laid out as an array of pointers at `ptrs` and the
// NUL-terminated strings one after another at `buf`.
Errno strings_get(GuestMemory& memory, std::span<const std::string> strings, uint32_t ptrs,
                  uint32_t buf);
Errno strings_sizes_get(GuestMemory& memory, std::span<const std::string> strings,
                        uint32_t count_out, uint32_t size_out);

Errno clock_res_get(Call& call, uint32_t id, uint32_t resolution_out);
Errno clock_time_get(Call& call, uint32_t id, uint64_t precision, uint32_t time_out);

Errno random_get(GuestMemory& memory, uint32_t buf, uint32_t len);

// Reading and writing (wasi_io.cpp).
Errno fd_read(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_out);
Errno fd_write(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten_out);
Errno fd_pread(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
               uint32_t nread_out);
Errno fd_pwrite(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                uint32_t nwritten_out);
// For sockets (wasi_sock.cpp): the same loops with send/recv flags.
Errno sock_recv(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t ri_flags,
                uint32_t ro_datalen_out, uint32_t ro_flags_out);
Errno sock_send(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t si_flags,
                uint32_t so_datalen_out);
Errno sock_accept(Call& call, uint32_t fd, uint32_t flags, uint32_t fd_out);
Errno sock_shutdown(Call& call, uint32_t fd, uint32_t how);

// Descriptors (wasi_fd.cpp).
Errno fd_advise(Call& call, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice);
Errno fd_allocate(Call& call, uint32_t fd, uint64_t offset, uint64_t len);
Errno fd_close(Call& call, uint32_t fd);
Errno fd_datasync(Call& call, uint32_t fd);
Errno fd_sync(Call& call, uint32_t fd);
Errno fd_fdstat_get(Call& call, uint32_t fd, uint32_t fdstat_out);
Errno fd_fdstat_set_flags(Call& call, uint32_t fd, uint32_t flags);
Errno fd_fdstat_set_rights(Call& call, uint32_t fd, uint64_t base, uint64_t inheriting);
Errno fd_filestat_get(Call& call, uint32_t fd, uint32_t filestat_out);
Errno fd_filestat_set_size(Call& call, uint32_t fd, uint64_t size);
Errno fd_filestat_set_times(Call& call, uint32_t fd, uint64_t atim, uint64_t mtim,
                            uint32_t fst_flags);
Errno fd_prestat_get(Call& call, uint32_t fd, uint32_t prestat_out);
Errno fd_prestat_dir_name(Call& call, uint32_t fd, uint32_t path, uint32_t path_len);
Errno fd_renumber(Call& call, uint32_t from, uint32_t to);
Errno fd_seek(Call& call, uint32_t fd, int64_t offset, uint32_t whence, uint32_t newoffset_out);
Errno fd_tell(Call& call, uint32_t fd, uint32_t offset_out);
Errno fd_readdir(Call& call, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                 uint32_t bufused_out);

// Paths (wasi_path.cpp).
Errno path_create_directory(Call& call, uint32_t fd, uint32_t path, uint32_t path_len);
Errno path_filestat_get(Call& call, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len,
                        uint32_t filestat_out);
Errno path_filestat_set_times(Call& call, uint32_t fd, uint32_t flags, uint32_t path,
                              uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fst_flags);
Errno path_link(Call& call, uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                uint32_t old_path_len, uint32_t new_fd, uint32_t new_path, uint32_t new_path_len);
Errno path_open(Call& call, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags,
                uint32_t fd_out);
Errno path_readlink(Call& call, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                    uint32_t buf_len, uint32_t bufused_out);
Errno path_remove_directory(Call& call, uint32_t fd, uint32_t path, uint32_t path_len);
Errno path_rename(Call& call, uint32_t fd, uint32_t old_path, uint32_t old_path_len,
                  uint32_t new_fd, uint32_t new_path, uint32_t new_path_len);
Errno path_symlink(Call& call, uint32_t old_path, uint32_t old_path_len, uint32_t fd,
                   uint32_t new_path, uint32_t new_path_len);
Errno path_unlink_file(Call& call, uint32_t fd, uint32_t path, uint32_t path_len);

Errno poll_oneoff(Call& call, uint32_t in, uint32_t out, uint32_t nsubscriptions,
                  uint32_t nevents_out);

// Shared by the fd_ and path_ functions (wasi_filestat.cpp): stores fstat(2) results as the
// dialect's filestat record; applies set_times flags to a utimensat(2)-style call.
Errno store_filestat(Call& call, const struct stat& st, uint32_t filestat_out);
Errno store_filestat_of(Call& call, const Descriptor& d, uint32_t filestat_out);
// The two timespecs for utimensat/futimens from WASI's times and fstflags; EINVAL for
// contradicting flags.
Errno times_from(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct timespec (&out)[2]);
// The WASI file type of a stat mode.
FileType file_type_of(mode_t mode);

} // namespace tycho::host::wasi
