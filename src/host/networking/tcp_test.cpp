// Sockets belong to processes: a process that traps while it holds listeners, streams,
// clones, a stream in its unsent message, and whose linked child is parked in tcp_read,
// leaves no descriptor open once both are gone (testdata/net_owner_traps.c).
#include "host/node.h"

#include <gtest/gtest.h>

#include <dirent.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <mutex>
#include <vector>

namespace tycho::host {
namespace {

using namespace std::chrono_literals;

// The descriptors this test process has open (without the one that lists them).
size_t open_descriptors() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) return 0;
    size_t count = 0;
    while (const dirent* entry = ::readdir(dir))
        if (entry->d_name[0] != '.') ++count;
    ::closedir(dir);
    return count - 1;
}

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
    ProcessConfig config;
    config.can_spawn_processes = true;

    for (int round = 0; round < 3; ++round) {
        const size_t baseline = open_descriptors();
        auto status = node.run_root(module.value(), config);
        ASSERT_TRUE(status) << status.error();
        // 2 or 3 would mean a step before the trap failed.
        EXPECT_EQ(status.value(), 1);
        ASSERT_TRUE(node.environment().wait_until_empty(20s)); // the linked child too
        {
            std::lock_guard guard(lock);
            ASSERT_EQ(crashes.size(), size_t(round + 1));
            EXPECT_EQ(crashes.back(), wasm::TrapCode::Unreachable);
        }
        EXPECT_EQ(open_descriptors(), baseline) << "round " << round;
    }
}

} // namespace
} // namespace tycho::host
