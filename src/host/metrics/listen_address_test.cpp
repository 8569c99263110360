// --metrics ADDRESS:PORT: parsing, and the reasons a socket cannot listen.
#include "host/metrics/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace tycho::host {
namespace {

std::optional<ListenAddress> parse(std::string_view text, std::string* error = nullptr) {
    std::string problem;
    auto address = parse_listen_address(text, problem);
    if (error) *error = problem;
    EXPECT_EQ(address.has_value(), problem.empty()) << text;
    return address;
}

TEST(ListenAddress, ParsesAddressAndPort) {
    auto a = parse("127.0.0.1:9100");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->ip, "127.0.0.1");
    EXPECT_EQ(a->port, 9100);
    EXPECT_EQ(a->to_string(), "127.0.0.1:9100");
    EXPECT_EQ(parse("localhost:0")->ip, "127.0.0.1");
    EXPECT_EQ(parse(":65535")->ip, "0.0.0.0");
    EXPECT_EQ(parse(":65535")->port, 65535);
}

TEST(ListenAddress, SaysWhatIsWrong) {
    std::string error;
    EXPECT_FALSE(parse("127.0.0.1", &error));
    EXPECT_EQ(error, "no port (expected ADDRESS:PORT)");
    EXPECT_FALSE(parse("127.0.0.1:", &error));
    EXPECT_EQ(error, "the port must be a number from 0 to 65535, got ''");
    EXPECT_FALSE(parse("127.0.0.1:65536", &error));
    EXPECT_EQ(error, "the port must be a number from 0 to 65535, got '65536'");
    EXPECT_FALSE(parse("127.0.0.1:80s", &error)); // no server options smuggled in
    EXPECT_FALSE(parse("127.0.0.1:1,127.0.0.1:2", &error));
    EXPECT_FALSE(parse("127.0.0.1:-1", &error));
    EXPECT_FALSE(parse("example.org:80", &error));
    EXPECT_EQ(error, "'example.org' is not an IPv4 address (or localhost)");
    EXPECT_FALSE(parse("[::1]:80", &error));
    EXPECT_FALSE(parse("300.0.0.1:80", &error));
}

TEST(ListenAddress, APortInUseCannotBeListenedOn) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in where{};
    where.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &where.sin_addr);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&where), sizeof where), 0);
    ASSERT_EQ(listen(fd, 1), 0);
    socklen_t size = sizeof where;
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&where), &size), 0);
    const ListenAddress taken{"127.0.0.1", ntohs(where.sin_port)};
    EXPECT_EQ(check_can_listen(taken), "Address already in use");
    close(fd);
    EXPECT_EQ(check_can_listen(taken), std::nullopt);
}

TEST(ListenAddress, AnAddressOfNoInterfaceCannotBeListenedOn) {
    // 192.0.2.0/24 is reserved for documentation: no machine has it.
    EXPECT_EQ(check_can_listen({"192.0.2.1", 0}), "Cannot assign requested address");
    EXPECT_EQ(check_can_listen({"127.0.0.1", 0}), std::nullopt);
}

} // namespace
} // namespace tycho::host
