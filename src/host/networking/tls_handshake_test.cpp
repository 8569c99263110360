// tls_accept leaves the handshake to the stream's first read: clients that stall before or
// inside their ClientHello, send no TLS at all, or whose handler is killed while it waits,
// hold up no acceptor and leave no descriptor open once their streams are dropped
// (testdata/tls_stalled_clients.c, which checks each step and the end of each connection).
#include "host/distributed/certificates.h"
#include "host/node.h"
#include "runtime/io_test_support.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace tycho::host {
namespace {

using namespace std::chrono_literals;

TEST(TlsHandshake, StalledClientsLeaveNoDescriptorOpen) {
    std::ifstream in(std::string(TYCHO_HOST_TESTDATA) + "/tls_stalled_clients.wasm",
                     std::ios::binary);
    if (!in) GTEST_SKIP() << "no wasi-libc: tls_stalled_clients.wasm was not built";
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    auto authority = certificates::test_authority();
    ASSERT_TRUE(authority) << authority.error().message;
    auto server = certificates::issue_server_certificate(
        authority.value().certificate_pem, authority.value().private_key_pem, "localhost");
    ASSERT_TRUE(server) << server.error().message;

    NodeOptions options;
    options.workers = 2;
    Node node(options);
    auto module = node.host().compile(bytes);
    ASSERT_TRUE(module) << module.error().to_string();
    ProcessConfig config;
    config.can_spawn_processes = true;
    config.args = {"tls_stalled_clients.wasm", server.value().certificate_pem,
                   server.value().private_key_pem};

    for (int round = 0; round < 3; ++round) {
        const size_t baseline = runtime::test_support::open_descriptors();
        auto status = node.run_root(module.value(), config);
        ASSERT_TRUE(status) << status.error();
        EXPECT_EQ(status.value(), 0) << "the guest's step that failed (round " << round << ")";
        ASSERT_TRUE(node.environment().wait_until_empty(20s));
        EXPECT_EQ(runtime::test_support::open_descriptors(), baseline) << "round " << round;
    }
}

} // namespace
} // namespace tycho::host
