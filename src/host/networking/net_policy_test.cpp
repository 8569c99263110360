// The network policy (--deny-net, --allow-net): parsing allow lists, every message a bad
// list gets, and which addresses each kind of policy refuses.
#include "host/networking/net_policy.h"

#include <gtest/gtest.h>

namespace tycho::host {
namespace {

SocketAddress address(const std::string& ip, uint16_t port) {
    auto parsed = SocketAddress::parse_ip(ip, port);
    EXPECT_TRUE(parsed) << ip;
    return parsed.value_or(SocketAddress{});
}

NetPolicy allow_list(std::string_view list) {
    auto parsed = NetPolicy::parse_allow_list(list);
    if (auto* error = std::get_if<std::string>(&parsed)) {
        ADD_FAILURE() << "'" << list << "' does not parse: " << *error;
        return NetPolicy::deny_all();
    }
    return std::get<NetPolicy>(std::move(parsed));
}

// The error of a list that must not parse.
std::string error_of(std::string_view list) {
    auto parsed = NetPolicy::parse_allow_list(list);
    if (auto* error = std::get_if<std::string>(&parsed)) return *error;
    ADD_FAILURE() << "'" << list << "' parses";
    return "";
}

bool allows(const NetPolicy& policy, const std::string& ip, uint16_t port) {
    return !policy.refusal(address(ip, port)).has_value();
}

TEST(NetPolicy, AllowAllRefusesNothing) {
    const NetPolicy policy = NetPolicy::allow_all();
    EXPECT_TRUE(policy.allows_everything());
    EXPECT_TRUE(allows(policy, "127.0.0.1", 0));
    EXPECT_TRUE(allows(policy, "::1", 443));
    EXPECT_TRUE(allows(policy, "192.0.2.7", 65535));
    EXPECT_FALSE(policy.dns_refusal());
}

TEST(NetPolicy, DenyAllRefusesEverythingAndSaysWhy) {
    const NetPolicy policy = NetPolicy::deny_all();
    EXPECT_FALSE(policy.allows_everything());
    EXPECT_EQ(policy.refusal(address("127.0.0.1", 5000)),
              "permission denied: network access is turned off (--deny-net), so "
              "127.0.0.1:5000 is not allowed");
    EXPECT_EQ(policy.refusal(address("::1", 0)),
              "permission denied: network access is turned off (--deny-net), so [::1]:0 is "
              "not allowed");
    EXPECT_EQ(policy.dns_refusal(), "permission denied: network access is turned off (--deny-net)");
}

TEST(NetPolicy, ListAllowsExactlyItsEntries) {
    const NetPolicy policy = allow_list("127.0.0.1:8080,[::1]:443");
    EXPECT_FALSE(policy.allows_everything());
    ASSERT_EQ(policy.rules().size(), 2u);
    EXPECT_EQ(policy.rules()[0].text, "127.0.0.1:8080");
    EXPECT_EQ(policy.rules()[1].text, "[::1]:443");
    EXPECT_TRUE(allows(policy, "127.0.0.1", 8080));
    EXPECT_TRUE(allows(policy, "::1", 443));
    EXPECT_FALSE(allows(policy, "127.0.0.1", 8081));
    EXPECT_FALSE(allows(policy, "127.0.0.2", 8080));
    EXPECT_FALSE(allows(policy, "::1", 8080));
    EXPECT_FALSE(allows(policy, "::ffff:127.0.0.1", 8080)); // another family
    EXPECT_FALSE(allows(policy, "127.0.0.1", 0));           // binding any port is not 8080
    EXPECT_EQ(policy.refusal(address("127.0.0.2", 8080)),
              "permission denied: 127.0.0.2:8080 is not in the allowed list (--allow-net)");
    EXPECT_FALSE(policy.dns_refusal()); // lookups stay allowed
}

TEST(NetPolicy, StarMeansAnyHostOrAnyPort) {
    const NetPolicy any_port = allow_list("127.0.0.1:*");
    EXPECT_TRUE(allows(any_port, "127.0.0.1", 0));
    EXPECT_TRUE(allows(any_port, "127.0.0.1", 65535));
    EXPECT_FALSE(allows(any_port, "127.0.0.2", 1));

    const NetPolicy any_host = allow_list("*:53");
    EXPECT_TRUE(allows(any_host, "192.0.2.1", 53));
    EXPECT_TRUE(allows(any_host, "::1", 53));
    EXPECT_FALSE(allows(any_host, "192.0.2.1", 54));

    const NetPolicy anything = allow_list("*:*");
    EXPECT_TRUE(allows(anything, "0.0.0.0", 0));
    EXPECT_TRUE(allows(anything, "2001:db8::1", 9));
}

TEST(NetPolicy, IPv6MatchesWhateverItsFlowInfoAndScope) {
    const NetPolicy policy = allow_list("[fe80::1]:9");
    SocketAddress scoped = address("fe80::1", 9);
    scoped.v6.sin6_scope_id = 2;
    scoped.v6.sin6_flowinfo = 7;
    EXPECT_FALSE(policy.refusal(scoped));
    EXPECT_FALSE(allows(policy, "fe80::2", 9));
}

TEST(NetPolicy, ListsAreTrimmedAndEmptyEntriesSkipped) {
    const NetPolicy policy = allow_list(" 127.0.0.1:1 ,, 127.0.0.2:2 ,");
    ASSERT_EQ(policy.rules().size(), 2u);
    EXPECT_EQ(policy.rules()[0].text, "127.0.0.1:1");
    EXPECT_TRUE(allows(policy, "127.0.0.2", 2));
}

TEST(NetPolicy, NamesAllowEveryAddressTheyResolveTo) {
    const NetPolicy policy = allow_list("localhost:80");
    ASSERT_FALSE(policy.rules().empty());
    for (const NetPolicy::Rule& rule : policy.rules()) {
        EXPECT_EQ(rule.text, "localhost:80");
        ASSERT_TRUE(rule.ip);
        EXPECT_EQ(rule.port, 80);
    }
    EXPECT_TRUE(allows(policy, "127.0.0.1", 80));
    EXPECT_FALSE(allows(policy, "127.0.0.1", 81));
}

TEST(NetPolicy, AllowAlsoAddsTheOtherListsEntries) {
    NetPolicy policy = allow_list("127.0.0.1:1");
    policy.allow_also(allow_list("127.0.0.2:2,127.0.0.3:*"));
    ASSERT_EQ(policy.rules().size(), 3u);
    EXPECT_TRUE(allows(policy, "127.0.0.1", 1));
    EXPECT_TRUE(allows(policy, "127.0.0.2", 2));
    EXPECT_TRUE(allows(policy, "127.0.0.3", 7));
    EXPECT_FALSE(allows(policy, "127.0.0.1", 2));
}

TEST(NetPolicy, EveryBadEntryIsNamedWithWhatIsWrong) {
    EXPECT_EQ(error_of("127.0.0.1"),
              "'127.0.0.1' is not HOST:PORT (the port is required; '*' means any)");
    EXPECT_EQ(error_of("127.0.0.1:80,localhost"),
              "'localhost' is not HOST:PORT (the port is required; '*' means any)");
    const std::string port_range = ": the port must be a number from 1 to 65535, or '*'";
    EXPECT_EQ(error_of("127.0.0.1:"), "'127.0.0.1:'" + port_range);
    EXPECT_EQ(error_of("127.0.0.1:0"), "'127.0.0.1:0'" + port_range);
    EXPECT_EQ(error_of("127.0.0.1:65536"), "'127.0.0.1:65536'" + port_range);
    EXPECT_EQ(error_of("127.0.0.1:80x"), "'127.0.0.1:80x'" + port_range);
    EXPECT_EQ(error_of("127.0.0.1:-1"), "'127.0.0.1:-1'" + port_range);
    EXPECT_EQ(error_of("127.0.0.1:+80"), "'127.0.0.1:+80'" + port_range);
    EXPECT_EQ(error_of(":80"), "':80': the host is missing");
    EXPECT_EQ(error_of("[]:80"), "'[]:80': the host is missing");
    EXPECT_EQ(error_of("::1:80"), "'::1:80': write an IPv6 address in brackets, as [::1]:8080");
    EXPECT_EQ(error_of("[127.0.0.1]:80"), "'[127.0.0.1]:80': only IPv6 addresses go in brackets");
    EXPECT_EQ(error_of("[localhost]:80"), "'[localhost]:80': 'localhost' is not an IPv6 address");
    EXPECT_EQ(error_of(""), "the list of allowed addresses is empty");
    EXPECT_EQ(error_of(" , ,"), "the list of allowed addresses is empty");
}

TEST(NetPolicy, NameThatDoesNotResolveIsNamed) {
    const std::string error = error_of("127.0.0.1:80,nonexistent.invalid:80");
    const std::string start = "'nonexistent.invalid:80': cannot resolve 'nonexistent.invalid': ";
    EXPECT_EQ(error.substr(0, start.size()), start);
    EXPECT_GT(error.size(), start.size()) << "the resolver's reason is missing";
}

} // namespace
} // namespace tycho::host
