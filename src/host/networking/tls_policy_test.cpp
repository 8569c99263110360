// tls_bind and tls_connect ask the runtime's network policy (net_policy.h) before they bind,
// look up or connect: testdata/tls_policy.c runs as the root of a node with each policy.
#include "host/node.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <variant>

namespace tycho::host {
namespace {

// The exit status of testdata/tls_policy.c run under `policy`.
int run_under(NetPolicy policy) {
    std::ifstream in(std::string(TYCHO_HOST_TESTDATA) + "/tls_policy.wasm", std::ios::binary);
    EXPECT_TRUE(in) << "tls_policy.wasm is missing";
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    NodeOptions options;
    options.workers = 2;
    options.host.net_policy = std::move(policy);
    Node node(options);
    auto module = node.host().compile(bytes);
    EXPECT_TRUE(module) << module.error().to_string();
    if (!module) return -1;
    auto status = node.run_root(module.value(), ProcessConfig{});
    EXPECT_TRUE(status) << status.error();
    return status ? status.value() : -1;
}

TEST(TlsPolicy, DenyAllRefusesBindingLookingUpAndConnecting) {
    EXPECT_EQ(run_under(NetPolicy::deny_all()), 0);
}

TEST(TlsPolicy, AnAllowListRefusesWhatItDoesNotName) {
    auto policy = NetPolicy::parse_allow_list("127.0.0.1:1");
    ASSERT_TRUE(std::holds_alternative<NetPolicy>(policy)) << std::get<std::string>(policy);
    EXPECT_EQ(run_under(std::get<NetPolicy>(std::move(policy))), 0);
}

TEST(TlsPolicy, AllowAllRefusesNothing) {
    // The bind fails, but for its empty certificate, not for a permission.
    EXPECT_EQ(run_under(NetPolicy::allow_all()), 1);
}

} // namespace
} // namespace tycho::host
