// The objects behind the ids of lunatic::networking (lunatic-abi.md §4, §20) and the
// per-process tables that hold them. Streams and UDP sockets are shared: clones and
// messages hand out more references to one connection, which closes with the last.
//
// Concurrency (§20.2): Lunatic lets one read and one write at a time run on a connection.
// For TCP and UDP the kernel already makes each recv and send whole, so two processes
// reading one connection simply race for the data, as they do on Lunatic once one of them
// has the lock; nothing here serializes them. TLS streams do need it (tls_connection.h).
#pragma once

#include "host/charged_table.h"
#include "host/host_module.h"
#include "host/networking/socket_address.h"
#include "host/unique_fd.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace tycho::host {

class WasmProcess;

// A stored timeout in milliseconds (§5); kNoTimeout: none.
constexpr uint64_t kNoTimeout = UINT64_MAX;

// The timeouts a connection keeps (set_*_timeout): shared by its clones and kept when it
// travels in a message.
struct StreamTimeouts {
    std::atomic<uint64_t> read{kNoTimeout};
    std::atomic<uint64_t> write{kNoTimeout};
    std::atomic<uint64_t> peek{kNoTimeout};
};

struct TcpConnection {
    explicit TcpConnection(UniqueFd socket) : fd(std::move(socket)) {}
    UniqueFd fd; // non-blocking
    StreamTimeouts timeouts;
};

struct TcpListener {
    explicit TcpListener(UniqueFd socket) : fd(std::move(socket)) {}
    UniqueFd fd; // non-blocking
};

struct UdpSocket {
    explicit UdpSocket(UniqueFd socket) : fd(std::move(socket)) {}
    UniqueFd fd; // non-blocking
};

class TlsConnection; // tls_connection.h
class TlsListener;   // tls_connection.h

// The addresses of a lookup, or the one address of a local_addr, peer_addr, accept or
// receive_from, handed out one at a time by resolve_next (§13.2).
struct DnsIterator {
    std::vector<SocketAddress> addresses;
    size_t next = 0;
};

// What one socket costs its process's memory account besides its table entry: a rough
// share of the kernel's own memory for it, so a guest that opens sockets in a loop runs
// into its max_memory before it exhausts the runtime's descriptors.
constexpr uint64_t kSocketCharge = 4096;

class NetState final : public ProcessState {
  public:
    explicit NetState(WasmProcess& process);

    ChargedTable<DnsIterator> dns_iterators;
    ChargedTable<std::shared_ptr<TcpListener>> tcp_listeners;
    ChargedTable<std::shared_ptr<TcpConnection>> tcp_streams;
    ChargedTable<std::shared_ptr<TlsListener>> tls_listeners;
    ChargedTable<std::shared_ptr<TlsConnection>> tls_streams;
    ChargedTable<std::shared_ptr<UdpSocket>> udp_sockets;
};

} // namespace tycho::host
