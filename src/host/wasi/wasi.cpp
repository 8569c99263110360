// Binds every wasi_snapshot_preview1 function to its name and lowered core-Wasm type (as
// wasi-libc imports them), in the order of the witx. Bodies live in the other files of this
// folder; what is not implemented returns ENOSYS.
#include "host/wasi/wasi.h"

#include "host/wasi/wasi_functions.h"

#include <string>

namespace tycho::host {

namespace {

using wasi::Errno;
using wasi::kModule;
using wasi::ret;
using wasm::Caller;

// Lowered parameter types: I32 for fds, pointers, sizes, flags and enums; I64 for the witx's
// 64-bit types (timestamp, filesize, filedelta, dircookie, rights).
using I32 = uint32_t;
using I64 = uint64_t;

// Runs `body(memory, context)` for the calling process with a memory view that reports bad
// pointers (the bodies answer EFAULT) instead of trapping.
template <class Body> int32_t in_process(const WasiBinding& b, Caller& caller, Body&& body) {
    if (b.context_of == nullptr) {
        caller.trap("wasi: the embedder bound no WasiContext");
        return 0;
    }
    GuestMemory memory(caller, GuestMemory::OnFault::Report);
    return ret(body(memory, b.context_of(caller)));
}

// A function that exists only so that modules link: it returns ENOSYS.
template <class... Params> void enosys(wasm::Linker& linker, const char* name) {
    linker.func(kModule, name, [](Caller&, Params...) { return ret(Errno::Nosys); });
}

// `<prefix>_get` and `<prefix>_sizes_get` over one of the context's string lists.
void add_string_list(wasm::Linker& linker, const WasiBinding& b, const std::string& prefix,
                     std::span<const std::string> WasiContext::* list) {
    linker.func(kModule, prefix + "_get", [b, list](Caller& c, I32 pointers, I32 buffer) {
        return in_process(b, c, [&](GuestMemory& m, WasiContext& ctx) {
            return wasi::strings_get(m, ctx.*list, pointers, buffer);
        });
    });
    linker.func(kModule, prefix + "_sizes_get", [b, list](Caller& c, I32 count_out, I32 size_out) {
        return in_process(b, c, [&](GuestMemory& m, WasiContext& ctx) {
            return wasi::strings_sizes_get(m, ctx.*list, count_out, size_out);
        });
    });
}

void add_args_environ(wasm::Linker& linker, const WasiBinding& b) {
    add_string_list(linker, b, "args", &WasiContext::args);
    add_string_list(linker, b, "environ", &WasiContext::env);
}

void add_clocks(wasm::Linker& linker) {
    linker.func(kModule, "clock_res_get", [](Caller& c, I32 id, I32 out) {
        GuestMemory m(c, GuestMemory::OnFault::Report);
        return ret(wasi::clock_res_get(m, id, out));
    });
    linker.func(kModule, "clock_time_get", [](Caller& c, I32 id, I64 precision, I32 out) {
        GuestMemory m(c, GuestMemory::OnFault::Report);
        return ret(wasi::clock_time_get(m, id, precision, out));
    });
}

void add_fd(wasm::Linker& linker, const WasiBinding& b) {
    enosys<I32, I64, I64, I32>(linker, "fd_advise");
    enosys<I32, I64, I64>(linker, "fd_allocate");
    linker.func(kModule, "fd_close", [b](Caller& c, I32 fd) {
        return in_process(b, c,
                          [&](GuestMemory&, WasiContext& ctx) { return wasi::fd_close(ctx, fd); });
    });
    enosys<I32>(linker, "fd_datasync");
    linker.func(kModule, "fd_fdstat_get", [b](Caller& c, I32 fd, I32 out) {
        return in_process(b, c, [&](GuestMemory& m, WasiContext& ctx) {
            return wasi::fd_fdstat_get(m, ctx, fd, out);
        });
    });
    enosys<I32, I32>(linker, "fd_fdstat_set_flags");
    enosys<I32, I64, I64>(linker, "fd_fdstat_set_rights");
    enosys<I32, I32>(linker, "fd_filestat_get");
    enosys<I32, I64>(linker, "fd_filestat_set_size");
    enosys<I32, I64, I64, I32>(linker, "fd_filestat_set_times");
    enosys<I32, I32, I32, I64, I32>(linker, "fd_pread");
    // There are no preopened directories; EBADF is what ends wasi-libc's scan for them.
    linker.func(kModule, "fd_prestat_get", [](Caller&, I32, I32) { return ret(Errno::Badf); });
    linker.func(kModule, "fd_prestat_dir_name",
                [](Caller&, I32, I32, I32) { return ret(Errno::Badf); });
    enosys<I32, I32, I32, I64, I32>(linker, "fd_pwrite");
    linker.func(kModule, "fd_read", [b](Caller& c, I32 fd, I32 iovs, I32 iovs_len, I32 out) {
        return in_process(b, c, [&](GuestMemory& m, WasiContext& ctx) {
            return wasi::fd_read(m, ctx, fd, iovs, iovs_len, out);
        });
    });
    enosys<I32, I32, I32, I64, I32>(linker, "fd_readdir");
    enosys<I32, I32>(linker, "fd_renumber");
    linker.func(kModule, "fd_seek", [b](Caller& c, I32 fd, I64, I32, I32) {
        return in_process(b, c,
                          [&](GuestMemory&, WasiContext& ctx) { return wasi::fd_seek(ctx, fd); });
    });
    enosys<I32>(linker, "fd_sync");
    enosys<I32, I32>(linker, "fd_tell");
    linker.func(kModule, "fd_write", [b](Caller& c, I32 fd, I32 iovs, I32 iovs_len, I32 out) {
        return in_process(b, c, [&](GuestMemory& m, WasiContext& ctx) {
            return wasi::fd_write(m, ctx, fd, iovs, iovs_len, out);
        });
    });
}

void add_paths(wasm::Linker& linker) {
    enosys<I32, I32, I32>(linker, "path_create_directory");
    enosys<I32, I32, I32, I32, I32>(linker, "path_filestat_get");
    enosys<I32, I32, I32, I32, I64, I64, I32>(linker, "path_filestat_set_times");
    enosys<I32, I32, I32, I32, I32, I32, I32>(linker, "path_link");
    enosys<I32, I32, I32, I32, I32, I64, I64, I32, I32>(linker, "path_open");
    enosys<I32, I32, I32, I32, I32, I32>(linker, "path_readlink");
    enosys<I32, I32, I32>(linker, "path_remove_directory");
    enosys<I32, I32, I32, I32, I32, I32>(linker, "path_rename");
    enosys<I32, I32, I32, I32, I32>(linker, "path_symlink");
    enosys<I32, I32, I32>(linker, "path_unlink_file");
}

void add_proc_sched_random(wasm::Linker& linker, const WasiBinding& b) {
    enosys<I32, I32, I32, I32>(linker, "poll_oneoff");
    linker.func(kModule, "proc_exit", [b](Caller& c, I32 code) {
        if (b.exit != nullptr) b.exit(c, code);
        // proc_exit never returns to the guest, whatever the embedder's function did.
        if (!c.stopped_ && !c.trapped_)
            c.trap("wasi: proc_exit(" + std::to_string(code) + ") did not end the process");
    });
    enosys<I32>(linker, "proc_raise");
    linker.func(kModule, "sched_yield", [b](Caller& c) {
        if (b.yield != nullptr) b.yield(c);
        return ret(Errno::Success);
    });
    linker.func(kModule, "random_get", [](Caller& c, I32 buf, I32 len) {
        GuestMemory m(c, GuestMemory::OnFault::Report);
        return ret(wasi::random_get(m, buf, len));
    });
}

void add_sockets(wasm::Linker& linker) {
    enosys<I32, I32, I32>(linker, "sock_accept");
    enosys<I32, I32, I32, I32, I32, I32>(linker, "sock_recv");
    enosys<I32, I32, I32, I32, I32>(linker, "sock_send");
    enosys<I32, I32>(linker, "sock_shutdown");
}

} // namespace

void add_wasi(wasm::Linker& linker, const WasiBinding& binding) {
    add_args_environ(linker, binding);
    add_clocks(linker);
    add_fd(linker, binding);
    add_paths(linker);
    add_proc_sched_random(linker, binding);
    add_sockets(linker);
}

} // namespace tycho::host
