// Sockets belong to processes: a process that traps while it holds TCP, UDP and TLS sockets,
// listeners and clones, and sockets in its unsent message, and whose linked children are
// parked in tcp_read, tls_read and udp_receive, leaves no descriptor open once all are gone
// (testdata/net_owner_traps.c). And the
// runtime's network policy refuses what it must, as errors (testdata/net_policy_guest.c).
#include "host/distributed/certificates.h"
#include "host/node.h"
#include "runtime/io_test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <mutex>
#include <vector>

namespace tycho::host {
namespace {

using namespace std::chrono_literals;

using runtime::test_support::open_descriptors;

std::vector<uint8_t> read_testdata(const char* name) {
    std::ifstream in(std::string(TYCHO_HOST_TESTDATA) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name << " (built when wasi-libc is installed)";
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(TcpResources, AProcessThatTrapsLeavesNoSocketOpen) {
    auto bytes = read_testdata("net_owner_traps.wasm");
    if (bytes.empty()) GTEST_SKIP() << "no wasi-libc: net_owner_traps.wasm was not built";

    std::mutex lock;
    std::vector<wasm::TrapCode> crashes;
    NodeOptions options;
    options.workers = 2;
    options.host.on_failure = [&](const FailureReport& report) {
        std::lock_guard guard(lock);
        if (report.ending == Ending::crashed) crashes.push_back(report.code);
    };
    Node node(options);
    auto module = node.host().compile(bytes);
    ASSERT_TRUE(module) << module.error().to_string();
    auto authority = certificates::test_authority();
    ASSERT_TRUE(authority) << authority.error().message;
    auto server = certificates::issue_server_certificate(
        authority.value().certificate_pem, authority.value().private_key_pem, "localhost");
    ASSERT_TRUE(server) << server.error().message;
    ProcessConfig config;
    config.can_spawn_processes = true;
    config.args = {"net_owner_traps.wasm", server.value().certificate_pem,
                   server.value().private_key_pem, authority.value().certificate_pem};

    for (int round = 0; round < 3; ++round) {
        const size_t baseline = open_descriptors();
        auto status = node.run_root(module.value(), config);
        ASSERT_TRUE(status) << status.error();
        // 2 or 3 would mean a step before the trap failed.
        EXPECT_EQ(status.value(), 1);
        ASSERT_TRUE(node.environment().wait_until_empty(20s)); // the linked children too
        {
            std::lock_guard guard(lock);
            ASSERT_EQ(crashes.size(), size_t(round + 1));
            EXPECT_EQ(crashes.back(), wasm::TrapCode::Unreachable);
        }
        EXPECT_EQ(open_descriptors(), baseline) << "round " << round;
    }
}

// The exit status of net_policy_guest.wasm run with `argument` under `policy` (0: every
// expectation held; see the guest for the others).
int policy_guest_status(NetPolicy policy, const char* argument) {
    auto bytes = read_testdata("net_policy_guest.wasm");
    if (bytes.empty()) return -1;
    NodeOptions options;
    options.workers = 1;
    options.host.net_policy = std::move(policy);
    Node node(options);
    auto module = node.host().compile(bytes);
    EXPECT_TRUE(module) << module.error().to_string();
    if (!module) return -1;
    ProcessConfig config;
    config.args = {"net_policy_guest.wasm", argument};
    auto status = node.run_root(module.value(), config);
    EXPECT_TRUE(status) << status.error();
    return status ? status.value() : -1;
}

TEST(TcpPolicy, DenyAllRefusesSocketsAndLookupsButNotLiterals) {
    EXPECT_EQ(policy_guest_status(NetPolicy::deny_all(), "deny"), 0);
}

TEST(TcpPolicy, AnAllowListRefusesTheAddressesItLacks) {
    auto policy = NetPolicy::parse_allow_list("127.0.0.1:*");
    ASSERT_TRUE(std::holds_alternative<NetPolicy>(policy));
    EXPECT_EQ(policy_guest_status(std::get<NetPolicy>(std::move(policy)), "loopback-only"), 0);
}

} // namespace
} // namespace tycho::host
