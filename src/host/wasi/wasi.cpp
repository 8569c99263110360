// Binds every WASI function to its name and lowered core-Wasm type (as wasi-libc imports
// them), under wasi_snapshot_preview1 and again under the older wasi_unstable, which shares
// the bodies and differs only where the Dialect says. Bodies live in the other files of this
// folder.
#include "host/wasi/wasi.h"

#include "host/wasi/wasi_functions.h"

#include <string>

namespace tycho::host {

namespace {

using wasi::Call;
using wasi::Dialect;
using wasi::Errno;
using wasi::ret;
using wasm::Caller;

// Lowered parameter types: I32 for fds, pointers, sizes, flags and enums; I64 for the witx's
// 64-bit types (timestamp, filesize, filedelta, dircookie, rights).
using I32 = uint32_t;
using I64 = uint64_t;

const char* module_name(Dialect dialect) {
    return dialect == Dialect::Preview1 ? wasi::kModule : wasi::kUnstableModule;
}

// Binds `body`, whose parameters after the Call are the function's lowered ones.
template <class... Params>
void bind(wasm::Linker& linker, const WasiBinding& b, Dialect dialect, const char* name,
          Errno (*body)(Call&, Params...)) {
    linker.func(module_name(dialect), name, [b, dialect, body](Caller& c, Params... params) {
        if (b.context_of == nullptr) {
            c.trap("wasi: the embedder bound no WasiContext");
            return 0;
        }
        GuestMemory memory(c, GuestMemory::OnFault::Report);
        Call call{c, memory, b.context_of(c), b, dialect};
        return ret(body(call, params...));
    });
}

// `<prefix>_get` and `<prefix>_sizes_get` over one of the context's string lists.
void add_string_list(wasm::Linker& linker, const WasiBinding& b, Dialect dialect,
                     const std::string& prefix, std::span<const std::string> WasiContext::* list) {
    using Body = Errno (*)(GuestMemory&, std::span<const std::string>, uint32_t, uint32_t);
    for (const auto& [name, body] :
         {std::pair<std::string, Body>{prefix + "_get", &wasi::strings_get},
          {prefix + "_sizes_get", &wasi::strings_sizes_get}}) {
        linker.func(module_name(dialect), name, [b, list, body](Caller& c, I32 first, I32 second) {
            if (b.context_of == nullptr) {
                c.trap("wasi: the embedder bound no WasiContext");
                return 0;
            }
            GuestMemory m(c, GuestMemory::OnFault::Report);
            return ret(body(m, b.context_of(c).*list, first, second));
        });
    }
}

void add_context_free(wasm::Linker& linker, const WasiBinding& b, Dialect dialect) {
    const char* module = module_name(dialect);
    linker.func(module, "random_get", [](Caller& c, I32 buf, I32 len) {
        GuestMemory m(c, GuestMemory::OnFault::Report);
        return ret(wasi::random_get(m, buf, len));
    });
    linker.func(module, "proc_exit", [b](Caller& c, I32 code) {
        if (b.exit != nullptr) b.exit(c, code);
        // proc_exit never returns to the guest, whatever the embedder's function did.
        if (!c.stopped() && !c.trapped())
            c.trap("wasi: proc_exit(" + std::to_string(code) + ") did not end the process");
    });
    // Tycho delivers no signals to guests.
    linker.func(module, "proc_raise", [](Caller&, I32) { return ret(Errno::Nosys); });
    linker.func(module, "sched_yield", [b](Caller& c) {
        if (b.yield != nullptr) b.yield(c);
        return ret(Errno::Success);
    });
}

void add_clocks(wasm::Linker& linker, const WasiBinding& b, Dialect d) {
    bind(linker, b, d, "clock_res_get", &wasi::clock_res_get);
    bind(linker, b, d, "clock_time_get", &wasi::clock_time_get);
}

void add_fd(wasm::Linker& linker, const WasiBinding& b, Dialect d) {
    bind(linker, b, d, "fd_advise", &wasi::fd_advise);
    bind(linker, b, d, "fd_allocate", &wasi::fd_allocate);
    bind(linker, b, d, "fd_close", &wasi::fd_close);
    bind(linker, b, d, "fd_datasync", &wasi::fd_datasync);
    bind(linker, b, d, "fd_fdstat_get", &wasi::fd_fdstat_get);
    bind(linker, b, d, "fd_fdstat_set_flags", &wasi::fd_fdstat_set_flags);
    bind(linker, b, d, "fd_fdstat_set_rights", &wasi::fd_fdstat_set_rights);
    bind(linker, b, d, "fd_filestat_get", &wasi::fd_filestat_get);
    bind(linker, b, d, "fd_filestat_set_size", &wasi::fd_filestat_set_size);
    bind(linker, b, d, "fd_filestat_set_times", &wasi::fd_filestat_set_times);
    bind(linker, b, d, "fd_pread", &wasi::fd_pread);
    bind(linker, b, d, "fd_prestat_get", &wasi::fd_prestat_get);
    bind(linker, b, d, "fd_prestat_dir_name", &wasi::fd_prestat_dir_name);
    bind(linker, b, d, "fd_pwrite", &wasi::fd_pwrite);
    bind(linker, b, d, "fd_read", &wasi::fd_read);
    bind(linker, b, d, "fd_readdir", &wasi::fd_readdir);
    bind(linker, b, d, "fd_renumber", &wasi::fd_renumber);
    bind(linker, b, d, "fd_seek", &wasi::fd_seek);
    bind(linker, b, d, "fd_sync", &wasi::fd_sync);
    bind(linker, b, d, "fd_tell", &wasi::fd_tell);
    bind(linker, b, d, "fd_write", &wasi::fd_write);
}

void add_paths(wasm::Linker& linker, const WasiBinding& b, Dialect d) {
    bind(linker, b, d, "path_create_directory", &wasi::path_create_directory);
    bind(linker, b, d, "path_filestat_get", &wasi::path_filestat_get);
    bind(linker, b, d, "path_filestat_set_times", &wasi::path_filestat_set_times);
    bind(linker, b, d, "path_link", &wasi::path_link);
    bind(linker, b, d, "path_open", &wasi::path_open);
    bind(linker, b, d, "path_readlink", &wasi::path_readlink);
    bind(linker, b, d, "path_remove_directory", &wasi::path_remove_directory);
    bind(linker, b, d, "path_rename", &wasi::path_rename);
    bind(linker, b, d, "path_symlink", &wasi::path_symlink);
    bind(linker, b, d, "path_unlink_file", &wasi::path_unlink_file);
}

void add_poll_and_sockets(wasm::Linker& linker, const WasiBinding& b, Dialect d) {
    bind(linker, b, d, "poll_oneoff", &wasi::poll_oneoff);
    // wasi_unstable has no sock_accept.
    if (d == Dialect::Preview1) bind(linker, b, d, "sock_accept", &wasi::sock_accept);
    bind(linker, b, d, "sock_recv", &wasi::sock_recv);
    bind(linker, b, d, "sock_send", &wasi::sock_send);
    bind(linker, b, d, "sock_shutdown", &wasi::sock_shutdown);
}

} // namespace

void add_wasi(wasm::Linker& linker, const WasiBinding& binding) {
    for (Dialect dialect : {Dialect::Preview1, Dialect::Unstable}) {
        add_string_list(linker, binding, dialect, "args", &WasiContext::args);
        add_string_list(linker, binding, dialect, "environ", &WasiContext::env);
        add_context_free(linker, binding, dialect);
        add_clocks(linker, binding, dialect);
        add_fd(linker, binding, dialect);
        add_paths(linker, binding, dialect);
        add_poll_and_sockets(linker, binding, dialect);
    }
}

} // namespace tycho::host
