// Tests of sock_send, sock_recv, sock_shutdown and sock_accept through wasi_all.wasm, on one
// end of a socket pair (the test holds the other) and on a listening TCP socket, each placed in
// the process's table as tycho run --tcplisten would place it.
#include "host/wasi/wasi_test_preopened.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace wasi_testing;
using std::chrono::milliseconds;
using tycho::host::UniqueFd;
using tycho::host::wasi::Descriptor;
using tycho::host::wasi::FileType;
using tycho::host::wasi::HostFd;
namespace fdflags = tycho::host::wasi::fdflags;

namespace {

constexpr uint16_t kPeek = 1, kWaitall = 2;
constexpr uint8_t kShutRd = 1, kShutWr = 2;
constexpr uint8_t kSocketStreamType = 6;

// What the peer reads, waiting for `n` bytes or the end.
std::string receive(int fd, size_t n) {
    std::string out;
    char buf[256];
    while (out.size() < n) {
        const ssize_t got = ::recv(fd, buf, std::min(sizeof buf, n - out.size()), 0);
        if (got <= 0) break;
        out.append(buf, size_t(got));
    }
    return out;
}

void send_all(int fd, std::string_view data) {
    EXPECT_EQ(::send(fd, data.data(), data.size(), MSG_NOSIGNAL), ssize_t(data.size()));
}

class WasiSockets : public WasiPreopened {
  protected:
    void SetUp() override {
        WasiPreopened::SetUp();
        int pair[2];
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
        ours = place_socket(pair[0]);
        peer.reset(pair[1]);
    }

    // Puts host socket `fd` in the table, owned by it.
    uint32_t place_socket(int fd, uint16_t flags = 0) {
        Descriptor d;
        d.host = HostFd::owned(UniqueFd(fd));
        d.type = FileType::SocketStream;
        d.rights_base = rights::kSocket;
        d.flags = flags;
        return *context.fds.insert(std::move(d));
    }

    // sock_send of `parts`, one iovec each; the count sent is at kOut.
    Errno send(uint32_t fd, const std::vector<std::string>& parts, uint32_t flags = 0) {
        uint32_t data = kData;
        for (size_t i = 0; i < parts.size(); ++i) {
            put_text(data, parts[i]);
            put_iovec(kIovs + uint32_t(i) * 8, data, uint32_t(parts[i].size()));
            data += 0x100;
        }
        return wasi("sock_send",
                    {i32(fd), i32(kIovs), i32(uint32_t(parts.size())), i32(flags), i32(kOut)});
    }
    // sock_recv into buffers of `sizes` at kData, kData + 0x100, ...; the count is at kOut, the
    // output flags at kSecondOut.
    Errno recv(uint32_t fd, const std::vector<uint32_t>& sizes, uint32_t flags = 0) {
        for (size_t i = 0; i < sizes.size(); ++i)
            put_iovec(kIovs + uint32_t(i) * 8, kData + uint32_t(i) * 0x100, sizes[i]);
        return wasi("sock_recv", {i32(fd), i32(kIovs), i32(uint32_t(sizes.size())), i32(flags),
                                  i32(kOut), i32(kSecondOut)});
    }
    // What one sock_recv of up to `n` bytes gets, or "errno N".
    std::string recv_text(uint32_t fd, uint32_t n, uint32_t flags = 0) {
        const Errno e = recv(fd, {n}, flags);
        if (e != Errno::Success) return "errno " + std::to_string(int(e));
        return text(kData, u32(kOut));
    }
    Errno shutdown(uint32_t fd, uint32_t how) { return wasi("sock_shutdown", {i32(fd), i32(how)}); }

    uint32_t ours = 0;
    UniqueFd peer;
};

TEST_F(WasiSockets, SendGathersEveryIovec) {
    ASSERT_EQ(send(ours, {"hello", "", " world"}), Errno::Success);
    EXPECT_EQ(u32(kOut), 11u);
    EXPECT_EQ(receive(peer.get(), 11), "hello world");
}

TEST_F(WasiSockets, RecvScattersOverTheIovecs) {
    send_all(peer.get(), "abcdef");
    fill(0xAA);
    ASSERT_EQ(recv(ours, {3, 10}), Errno::Success);
    EXPECT_EQ(u32(kOut), 6u);
    EXPECT_EQ(u16(kSecondOut), 0u) << "not truncated";
    EXPECT_EQ(text(kData, 3), "abc");
    EXPECT_EQ(text(kData + 0x100, 3), "def");
    EXPECT_TRUE(untouched(kData + 3, kData + 0x100, 0xAA));
    EXPECT_TRUE(untouched(kData + 0x103, kData + 0x200, 0xAA));
}

TEST_F(WasiSockets, PeekLeavesTheDataInPlace) {
    send_all(peer.get(), "xyz");
    EXPECT_EQ(recv_text(ours, 10, kPeek), "xyz");
    EXPECT_EQ(recv_text(ours, 2, kPeek), "xy");
    EXPECT_EQ(recv_text(ours, 10), "xyz");
    peer.reset();
    EXPECT_EQ(recv_text(ours, 10), "") << "the end";
}

TEST_F(WasiSockets, RecvWaitsForData) {
    std::thread writer([&] {
        std::this_thread::sleep_for(milliseconds(50));
        send_all(peer.get(), "late");
    });
    EXPECT_EQ(recv_text(ours, 10), "late");
    writer.join();
}

TEST_F(WasiSockets, WaitallFillsEveryBuffer) {
    std::thread writer([&] {
        for (const char* piece : {"ab", "cd", "ef"}) {
            send_all(peer.get(), piece);
            std::this_thread::sleep_for(milliseconds(20));
        }
    });
    const Errno e = recv(ours, {4, 2}, kWaitall);
    writer.join();
    ASSERT_EQ(e, Errno::Success);
    EXPECT_EQ(u32(kOut), 6u);
    EXPECT_EQ(text(kData, 4), "abcd");
    EXPECT_EQ(text(kData + 0x100, 2), "ef");
}

TEST_F(WasiSockets, WaitallEndsWhenThePeerIsDone) {
    send_all(peer.get(), "ab");
    ASSERT_EQ(::shutdown(peer.get(), SHUT_WR), 0);
    ASSERT_EQ(recv(ours, {6}, kWaitall), Errno::Success);
    EXPECT_EQ(u32(kOut), 2u);
    EXPECT_EQ(text(kData, 2), "ab");
}

TEST_F(WasiSockets, NonblockingRecvWithNothingThereIsEagain) {
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
    UniqueFd other_peer(pair[1]);
    const uint32_t nonblocking = place_socket(pair[0], fdflags::kNonblock);
    EXPECT_EQ(recv_text(nonblocking, 10), "errno 6");
    send_all(other_peer.get(), "now");
    EXPECT_EQ(recv_text(nonblocking, 10), "now");
}

TEST_F(WasiSockets, ShutdownEndsEitherDirection) {
    ASSERT_EQ(shutdown(ours, kShutWr), Errno::Success);
    char c;
    EXPECT_EQ(::recv(peer.get(), &c, 1, 0), 0) << "the peer sees the end";
    EXPECT_EQ(send(ours, {"x"}), Errno::Pipe) << "and no signal ends the runtime";
    ASSERT_EQ(shutdown(ours, kShutRd), Errno::Success);
    EXPECT_EQ(recv_text(ours, 10), "") << "reads are at their end";
    EXPECT_EQ(shutdown(ours, kShutRd | kShutWr), Errno::Success);
    EXPECT_EQ(shutdown(ours, 0), Errno::Inval);
    EXPECT_EQ(shutdown(ours, 4), Errno::Inval);
}

TEST_F(WasiSockets, SendToAClosedPeerIsEpipe) {
    peer.reset();
    EXPECT_EQ(send(ours, {"into nothing"}), Errno::Pipe);
}

TEST_F(WasiSockets, FlagsAndDescriptorsAreChecked) {
    write_file(root + "/f.txt", "");
    const uint32_t file = open_ok("f.txt");
    EXPECT_EQ(send(file, {"x"}), Errno::Notsock);
    EXPECT_EQ(recv(file, {4}), Errno::Notsock);
    EXPECT_EQ(shutdown(file, kShutWr), Errno::Notsock);
    EXPECT_EQ(shutdown(kRootFd, kShutWr), Errno::Notsock);
    EXPECT_EQ(send(99, {"x"}), Errno::Badf);
    EXPECT_EQ(recv(99, {4}), Errno::Badf);
    EXPECT_EQ(shutdown(99, kShutWr), Errno::Badf);
    EXPECT_EQ(send(ours, {"x"}, 1), Errno::Inval) << "no send flags exist";
    EXPECT_EQ(recv(ours, {4}, 4), Errno::Inval);
    EXPECT_EQ(shutdown(ours, kShutWr | 4), Errno::Inval);
}

TEST_F(WasiSockets, EachCallNeedsItsRight) {
    ASSERT_EQ(set_rights(ours, rights::kSocket & ~rights::kFdWrite, 0), Errno::Success);
    EXPECT_EQ(send(ours, {"x"}), Errno::Notcapable);
    ASSERT_EQ(set_rights(ours, rights::kFdRead, 0), Errno::Success);
    EXPECT_EQ(shutdown(ours, kShutWr), Errno::Notcapable);
    send_all(peer.get(), "still");
    EXPECT_EQ(recv_text(ours, 10), "still");
    ASSERT_EQ(set_rights(ours, 0, 0), Errno::Success);
    EXPECT_EQ(recv(ours, {4}), Errno::Notcapable);
}

TEST_F(WasiSockets, BadPointersAreEfaultAndMoveNoData) {
    send_all(peer.get(), "q");
    fill(0xAA);
    put_iovec(kIovs, kPage - 2, 4);
    EXPECT_EQ(
        wasi("sock_recv", {i32(ours), i32(kIovs), i32(1), i32(0), i32(kOut), i32(kSecondOut)}),
        Errno::Fault);
    EXPECT_EQ(wasi("sock_send", {i32(ours), i32(kIovs), i32(1), i32(0), i32(kOut)}), Errno::Fault);
    put_iovec(kIovs, kData, 4);
    EXPECT_EQ(
        wasi("sock_recv", {i32(ours), i32(kIovs), i32(1), i32(0), i32(kPage - 3), i32(kSecondOut)}),
        Errno::Fault)
        << "datalen";
    EXPECT_EQ(wasi("sock_recv", {i32(ours), i32(kIovs), i32(1), i32(0), i32(kOut), i32(kPage - 1)}),
              Errno::Fault)
        << "flags";
    EXPECT_EQ(wasi("sock_send", {i32(ours), i32(kPage - 4), i32(1), i32(0), i32(kOut)}),
              Errno::Fault)
        << "iovec array";
    EXPECT_EQ(wasi("sock_send", {i32(ours), i32(kIovs), i32(1), i32(0), i32(kPage)}), Errno::Fault)
        << "datalen";
    EXPECT_TRUE(untouched(kData, kData + 16, 0xAA));
    EXPECT_TRUE(untouched(kOut, kOut + 4, 0xAA));
    EXPECT_TRUE(untouched(kPage - 4, kPage, 0xAA));
    EXPECT_EQ(recv_text(ours, 10), "q") << "nothing was taken";
    char c;
    EXPECT_EQ(::recv(peer.get(), &c, 1, MSG_DONTWAIT), -1) << "nothing was sent";
}

TEST_F(WasiSockets, DatagramCutShortIsFlaggedTruncated) {
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair), 0);
    UniqueFd other_peer(pair[1]);
    Descriptor d;
    d.host = HostFd::owned(UniqueFd(pair[0]));
    d.type = FileType::SocketDgram;
    d.rights_base = rights::kSocket;
    const uint32_t dgram = *context.fds.insert(std::move(d));
    send_all(other_peer.get(), "0123456789");
    send_all(other_peer.get(), "ab");
    ASSERT_EQ(recv(dgram, {4}), Errno::Success);
    EXPECT_EQ(u32(kOut), 4u);
    EXPECT_EQ(text(kData, 4), "0123");
    EXPECT_EQ(u16(kSecondOut), 1u) << "RECV_DATA_TRUNCATED";
    ASSERT_EQ(recv(dgram, {4}), Errno::Success);
    EXPECT_EQ(u32(kOut), 2u) << "the rest of the first datagram is gone";
    EXPECT_EQ(u16(kSecondOut), 0u);
    EXPECT_EQ(fdstat(dgram).type, 5) << "socket_dgram";
    ASSERT_EQ(wasi("fd_filestat_get", {i32(dgram), i32(kRecord)}), Errno::Success);
    EXPECT_EQ(*at(kRecord + 16), 5);
}

TEST_F(WasiSockets, SocketsReportTheirTypeAndWaitingBytes) {
    EXPECT_EQ(fdstat(ours).type, kSocketStreamType);
    ASSERT_EQ(wasi("fd_filestat_get", {i32(ours), i32(kRecord)}), Errno::Success);
    EXPECT_EQ(*at(kRecord + 16), kSocketStreamType);
    send_all(peer.get(), "abc");
    constexpr uint32_t kSubscription = 0x2000, kEvent = 0x3000;
    std::memset(at(kSubscription), 0, 48);
    put_u64(kSubscription, 77);
    *at(kSubscription + 8) = 1; // fd_read
    put_u32(kSubscription + 16, ours);
    ASSERT_EQ(wasi("poll_oneoff", {i32(kSubscription), i32(kEvent), i32(1), i32(kOut)}),
              Errno::Success);
    ASSERT_EQ(u32(kOut), 1u);
    EXPECT_EQ(u64(kEvent), 77u);
    EXPECT_EQ(u16(kEvent + 8), 0u);
    EXPECT_EQ(u64(kEvent + 16), 3u) << "bytes waiting";
}

// ---------------------------------------------------------------------------------------------
// sock_accept

class WasiAccept : public WasiSockets {
  protected:
    void SetUp() override {
        WasiSockets::SetUp();
        listener = place_socket(listening_socket(address));
    }

    // A TCP socket listening on 127.0.0.1 at a port of the system's choice (in `where`).
    static int listening_socket(sockaddr_in& where, int extra_flags = 0) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | extra_flags, 0);
        EXPECT_GE(fd, 0);
        where = {};
        where.sin_family = AF_INET;
        where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&where), sizeof where), 0);
        EXPECT_EQ(::listen(fd, 8), 0);
        socklen_t length = sizeof where;
        EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&where), &length), 0);
        return fd;
    }
    // A client connected to `where` (the connection waits in the listener's backlog).
    static UniqueFd connect_to(const sockaddr_in& where) {
        UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        EXPECT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&where), sizeof where), 0);
        return fd;
    }
    Errno accept(uint32_t fd, uint32_t flags = 0, uint32_t out = kOut) {
        return wasi("sock_accept", {i32(fd), i32(flags), i32(out)});
    }

    sockaddr_in address{};
    uint32_t listener = 0;
};

TEST_F(WasiAccept, AcceptedConnectionIsANewSocketDescriptor) {
    UniqueFd client = connect_to(address);
    ASSERT_EQ(accept(listener), Errno::Success);
    const uint32_t connection = u32(kOut);
    EXPECT_NE(connection, listener);
    const Fdstat s = fdstat(connection);
    EXPECT_EQ(s.type, kSocketStreamType);
    EXPECT_EQ(s.flags, 0);
    EXPECT_EQ(s.base, rights::kSocket & ~rights::kSockAccept);
    send_all(client.get(), "ping");
    EXPECT_EQ(recv_text(connection, 10), "ping");
    ASSERT_EQ(send(connection, {"pong"}), Errno::Success);
    EXPECT_EQ(receive(client.get(), 4), "pong");
    EXPECT_EQ(accept(connection), Errno::Notcapable) << "a connection accepts nothing";
}

TEST_F(WasiAccept, AcceptWithNonblockMakesANonblockingConnection) {
    UniqueFd client = connect_to(address);
    ASSERT_EQ(accept(listener, fdflags::kNonblock), Errno::Success);
    const uint32_t connection = u32(kOut);
    EXPECT_EQ(fdstat(connection).flags, fdflags::kNonblock);
    EXPECT_EQ(recv_text(connection, 10), "errno 6") << "nothing sent yet";
}

TEST_F(WasiAccept, AcceptWaitsForAConnection) {
    sockaddr_in where{};
    const uint32_t nonblocking_host = place_socket(listening_socket(where, SOCK_NONBLOCK));
    UniqueFd client;
    std::thread connector([&] {
        std::this_thread::sleep_for(milliseconds(50));
        client = connect_to(where);
    });
    const Errno e = accept(nonblocking_host);
    connector.join();
    ASSERT_EQ(e, Errno::Success);
    EXPECT_EQ(fdstat(u32(kOut)).type, kSocketStreamType);
}

// A listener the guest made non-blocking (fd_fdstat_set_flags NONBLOCK, which changes only
// the guest's view of the descriptor) answers EAGAIN when no connection waits, also when its
// host descriptor is in blocking mode (the Watchdog connects a client after 3 s, so a
// blocking accept would show).
TEST_F(WasiAccept, NonblockingListenerWithoutAConnectionIsEagain) {
    ASSERT_EQ(wasi("fd_fdstat_set_flags", {i32(listener), i32(fdflags::kNonblock)}),
              Errno::Success);
    UniqueFd rescue_client;
    Watchdog watchdog([&] { rescue_client = connect_to(address); });
    const Errno e = accept(listener);
    watchdog.dismiss();
    EXPECT_EQ(e, Errno::Again);
    EXPECT_FALSE(watchdog.fired()) << "sock_accept blocked";
}

TEST_F(WasiAccept, NonblockingHostListenerWithoutAConnectionIsEagain) {
    sockaddr_in where{};
    const uint32_t nonblocking =
        place_socket(listening_socket(where, SOCK_NONBLOCK), fdflags::kNonblock);
    EXPECT_EQ(accept(nonblocking), Errno::Again);
}

TEST_F(WasiAccept, Errors) {
    UniqueFd client = connect_to(address);
    write_file(root + "/f.txt", "");
    EXPECT_EQ(accept(open_ok("f.txt")), Errno::Notsock);
    EXPECT_EQ(accept(kRootFd), Errno::Notsock);
    EXPECT_EQ(accept(99), Errno::Badf);
    EXPECT_EQ(accept(listener, fdflags::kAppend), Errno::Inval);
    EXPECT_EQ(accept(ours), Errno::Inval) << "a socket that does not listen";
    fill(0xAA);
    EXPECT_EQ(accept(listener, 0, kPage - 3), Errno::Fault);
    EXPECT_TRUE(untouched(kPage - 4, kPage, 0xAA));
    const size_t open = context.fds.open_count();
    ASSERT_EQ(set_rights(listener, rights::kSocket & ~rights::kSockAccept, 0), Errno::Success);
    EXPECT_EQ(accept(listener), Errno::Notcapable);
    EXPECT_EQ(context.fds.open_count(), open);
    // The waiting connection was never taken.
    context.fds.get(listener)->rights_base = rights::kSocket;
    ASSERT_EQ(accept(listener), Errno::Success);
}

} // namespace
