// Tests of the resolver's pool (bounded threads and queue, abandoned lookups skipped) with a
// lookup function the test controls, and of the "host:port" names resolve takes.
#include "host/networking/host_port.h"
#include "host/networking/resolver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace tycho::host {
namespace {

using namespace std::chrono_literals;

// Lookups that wait until the test opens the gate; counts the lookups that started.
struct Gate {
    std::mutex lock;
    std::condition_variable changed;
    bool open = false;
    int started = 0;

    LookupAnswer lookup(const std::string& host) {
        std::unique_lock guard(lock);
        ++started;
        changed.notify_all();
        changed.wait_for(guard, 20s, [this] { return open; });
        return "looked up " + host;
    }
    bool wait_started(int count) {
        std::unique_lock guard(lock);
        return changed.wait_for(guard, 20s, [&] { return started >= count; });
    }
    void release() {
        std::lock_guard guard(lock);
        open = true;
        changed.notify_all();
    }
};

// Waits (bounded) for `lookup` to be answered, as a thread off the scheduler.
bool answered(Resolver::Lookup& lookup) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!lookup.done.is_complete()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

TEST(Resolver, AFullQueueRefusesMoreLookups) {
    auto gate = std::make_shared<Gate>();
    Resolver resolver({1, 2}, [gate](const std::string& host) { return gate->lookup(host); });
    auto running = resolver.submit("a");
    ASSERT_NE(running, nullptr);
    ASSERT_TRUE(gate->wait_started(1)); // the one thread is busy with it
    auto queued1 = resolver.submit("b");
    auto queued2 = resolver.submit("c");
    ASSERT_NE(queued1, nullptr);
    ASSERT_NE(queued2, nullptr);
    EXPECT_EQ(resolver.submit("d"), nullptr);

    // A waiter that gives up frees its place: its lookup will never run.
    queued1.reset();
    auto queued3 = resolver.submit("e");
    ASSERT_NE(queued3, nullptr);

    gate->release();
    ASSERT_TRUE(answered(*running));
    ASSERT_TRUE(answered(*queued2));
    ASSERT_TRUE(answered(*queued3));
    EXPECT_EQ(std::get<std::string>(running->answer), "looked up a");
    EXPECT_EQ(std::get<std::string>(queued2->answer), "looked up c");
    EXPECT_EQ(std::get<std::string>(queued3->answer), "looked up e");
    std::lock_guard guard(gate->lock);
    EXPECT_EQ(gate->started, 3); // "b" was skipped
}

TEST(Resolver, TheResolverMayGoWhileALookupRuns) {
    auto gate = std::make_shared<Gate>();
    std::shared_ptr<Resolver::Lookup> lookup;
    {
        Resolver resolver({1, 4}, [gate](const std::string& host) { return gate->lookup(host); });
        lookup = resolver.submit("slow");
        ASSERT_TRUE(gate->wait_started(1));
    }
    gate->release(); // the detached thread finishes the lookup on its own
    ASSERT_TRUE(answered(*lookup));
    EXPECT_EQ(std::get<std::string>(lookup->answer), "looked up slow");
}

TEST(Resolver, LooksUpNamesOfTheHostsFile) {
    auto answer = lookup_host("localhost");
    ASSERT_TRUE(std::holds_alternative<std::vector<SocketAddress>>(answer))
        << std::get<std::string>(answer);
    EXPECT_FALSE(std::get<std::vector<SocketAddress>>(answer).empty());
    EXPECT_TRUE(std::holds_alternative<std::string>(lookup_host("nonexistent.invalid")));
}

HostPort parsed(std::string_view name) {
    auto result = parse_host_port(name);
    EXPECT_TRUE(std::holds_alternative<HostPort>(result))
        << name << ": " << std::get<std::string>(result);
    return std::holds_alternative<HostPort>(result) ? std::get<HostPort>(result) : HostPort{};
}

std::string refused(std::string_view name) {
    auto result = parse_host_port(name);
    EXPECT_TRUE(std::holds_alternative<std::string>(result)) << name << " was accepted";
    return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "";
}

TEST(HostPort, LiteralsNeedNoLookup) {
    HostPort v4 = parsed("127.0.0.1:80");
    ASSERT_TRUE(v4.literal);
    EXPECT_EQ(to_string(*v4.literal), "127.0.0.1:80");
    HostPort v6 = parsed("[::1]:443");
    ASSERT_TRUE(v6.literal);
    EXPECT_EQ(to_string(*v6.literal), "[::1]:443");
    HostPort bare_v6 = parsed("::1:8080"); // the last colon separates the port
    ASSERT_TRUE(bare_v6.literal);
    EXPECT_EQ(to_string(*bare_v6.literal), "[::1]:8080");
}

TEST(HostPort, NamesKeepTheirPort) {
    HostPort name = parsed("example.com:65535");
    EXPECT_EQ(name.host, "example.com");
    EXPECT_EQ(name.port, 65535);
    EXPECT_FALSE(name.literal);
    EXPECT_EQ(parsed("localhost:0").port, 0);
}

TEST(HostPort, BadNamesSayWhatIsWrong) {
    EXPECT_EQ(refused("localhost"), "the port is missing (the name must be HOST:PORT)");
    EXPECT_EQ(refused(":80"), "the host is missing (the name must be HOST:PORT)");
    EXPECT_EQ(refused("localhost:"), "'' is not a port (a number from 0 to 65535)");
    EXPECT_EQ(refused("localhost:65536"), "'65536' is not a port (a number from 0 to 65535)");
    EXPECT_EQ(refused("localhost:-1"), "'-1' is not a port (a number from 0 to 65535)");
    EXPECT_EQ(refused("localhost:8x"), "'8x' is not a port (a number from 0 to 65535)");
    EXPECT_EQ(refused("[127.0.0.1]:80"),
              "'[127.0.0.1]' is not an IPv6 address (only those go in brackets)");
    EXPECT_EQ(refused(std::string_view("a\0b:80", 6)), "the host contains a NUL character");
    EXPECT_EQ(refused(std::string(254, 'a') + ":80"),
              "the host name is longer than 253 characters");
}

} // namespace
} // namespace tycho::host
