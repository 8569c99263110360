// A process's WASI descriptors: what each number stands for (a host descriptor, an output
// sink, an empty stdin), with the WASI file type, rights and flags the guest sees. Each
// process has its own table; host descriptors that several processes hold at once (the
// runtime's stdio, preopened directories handed down through configs) are shared and closed
// when the last holder goes.
#pragma once

#include "host/unique_fd.h"
#include "host/wasi/wasi_abi.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tycho::host {

class OutputSink;

namespace wasi {

// The WASI type and the most rights a host descriptor can have, from fstat(2).
struct Probe {
    FileType type = FileType::Unknown;
    uint64_t rights = 0;
};
Probe probe(int host_fd);

// A fresh identity for a preopened directory (Descriptor::root).
uint64_t fresh_root();

// A host descriptor, owned (closed with the last holder) or borrowed (the runtime's own 0,
// 1 and 2, never closed).
class HostFd {
  public:
    static std::shared_ptr<HostFd> owned(UniqueFd fd);
    static std::shared_ptr<HostFd> borrowed(int fd);
    ~HostFd();
    HostFd(const HostFd&) = delete;
    HostFd& operator=(const HostFd&) = delete;

    int fd() const { return fd_; }
    // What it is, looked at once when it was wrapped.
    const Probe& probe() const { return probe_; }
    // Whether reads and writes on it return EAGAIN instead of waiting (O_NONBLOCK), so the
    // process can park until it is ready; otherwise a read or write that could wait is
    // preceded by a readiness wait.
    bool nonblocking() const { return nonblocking_; }
    // Whether poll(2) can tell when it is ready; regular files and directories always are.
    bool pollable() const {
        return probe_.type != FileType::RegularFile && probe_.type != FileType::Directory &&
               probe_.type != FileType::BlockDevice;
    }

  private:
    HostFd(int fd, bool owned);
    int fd_;
    bool owned_;
    bool nonblocking_ = false;
    Probe probe_;
};

struct Descriptor {
    // What the number stands for: a host descriptor, or (host null) output written to
    // `sink`, or when both are null an input that is always at end of file.
    std::shared_ptr<HostFd> host;
    OutputSink* sink = nullptr;
    FileType type = FileType::Unknown;
    uint64_t rights_base = 0;
    uint64_t rights_inheriting = 0;
    uint16_t flags = 0; // fdflags
    // Set for a preopened directory: the name fd_prestat_dir_name gives.
    std::optional<std::string> preopen_name;
    // The preopen this descriptor was reached through (its identity: a rename or link
    // between two different ones is refused); 0 for stdio.
    uint64_t root = 0;
    // fd_readdir's place: the cookie that continues after the last entry it returned
    // whole, and the kernel's position of that next entry (see wasi_readdir.cpp).
    struct ReaddirCursor {
        uint64_t cookie = 0;
        int64_t host_position = 0;
    } readdir;

    int host_fd() const { return host ? host->fd() : -1; }
    bool has(uint64_t rights) const { return (rights_base & rights) == rights; }
};

class FdTable {
  public:
    // Descriptors a process may hold at once; past it path_open and sock_accept fail with
    // EMFILE, so one guest cannot take all the runtime's host descriptors.
    static constexpr uint32_t kMaxDescriptors = 1024;

    Descriptor* get(uint32_t fd);
    // Puts `d` at the lowest free number; EMFILE when the table is full.
    std::optional<uint32_t> insert(Descriptor d);
    // Puts `d` at `fd` exactly (for setting up stdio and preopens in order).
    void place(uint32_t fd, Descriptor d);
    Errno close(uint32_t fd);
    // fd_renumber: `from` replaces `to` (closing what `to` was); both must be open.
    Errno renumber(uint32_t from, uint32_t to);
    size_t open_count() const { return open_; }
    // Descriptors that are preopened directories.
    size_t preopen_count() const;

  private:
    std::vector<std::optional<Descriptor>> slots_;
    size_t open_ = 0;
};

} // namespace wasi
} // namespace tycho::host
