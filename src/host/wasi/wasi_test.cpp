// Tests of wasi_snapshot_preview1 and wasi_unstable: every function's type, stdio, args,
// clocks and random with their guest-memory layouts, EFAULT/EBADF answers, no stubs, and a
// C program built against wasi-libc. Files, paths, poll and sockets have tests of their own.
#include "host/wasi/wasi_test_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace wasi_testing;

namespace {

// ---------------------------------------------------------------------------------------------
// Types

struct Expected {
    const char* name;
    std::vector<ValType> params;
    std::vector<ValType> results;
};

// The lowered types of wasi-libc's __imported_wasi_snapshot_preview1_* declarations.
std::vector<Expected> preview1_types() {
    constexpr ValType I = ValType::I32;
    constexpr ValType L = ValType::I64;
    return {
        {"args_get", {I, I}, {I}},
        {"args_sizes_get", {I, I}, {I}},
        {"environ_get", {I, I}, {I}},
        {"environ_sizes_get", {I, I}, {I}},
        {"clock_res_get", {I, I}, {I}},
        {"clock_time_get", {I, L, I}, {I}},
        {"fd_advise", {I, L, L, I}, {I}},
        {"fd_allocate", {I, L, L}, {I}},
        {"fd_close", {I}, {I}},
        {"fd_datasync", {I}, {I}},
        {"fd_fdstat_get", {I, I}, {I}},
        {"fd_fdstat_set_flags", {I, I}, {I}},
        {"fd_fdstat_set_rights", {I, L, L}, {I}},
        {"fd_filestat_get", {I, I}, {I}},
        {"fd_filestat_set_size", {I, L}, {I}},
        {"fd_filestat_set_times", {I, L, L, I}, {I}},
        {"fd_pread", {I, I, I, L, I}, {I}},
        {"fd_prestat_get", {I, I}, {I}},
        {"fd_prestat_dir_name", {I, I, I}, {I}},
        {"fd_pwrite", {I, I, I, L, I}, {I}},
        {"fd_read", {I, I, I, I}, {I}},
        {"fd_readdir", {I, I, I, L, I}, {I}},
        {"fd_renumber", {I, I}, {I}},
        {"fd_seek", {I, L, I, I}, {I}},
        {"fd_sync", {I}, {I}},
        {"fd_tell", {I, I}, {I}},
        {"fd_write", {I, I, I, I}, {I}},
        {"path_create_directory", {I, I, I}, {I}},
        {"path_filestat_get", {I, I, I, I, I}, {I}},
        {"path_filestat_set_times", {I, I, I, I, L, L, I}, {I}},
        {"path_link", {I, I, I, I, I, I, I}, {I}},
        {"path_open", {I, I, I, I, I, L, L, I, I}, {I}},
        {"path_readlink", {I, I, I, I, I, I}, {I}},
        {"path_remove_directory", {I, I, I}, {I}},
        {"path_rename", {I, I, I, I, I, I}, {I}},
        {"path_symlink", {I, I, I, I, I}, {I}},
        {"path_unlink_file", {I, I, I}, {I}},
        {"poll_oneoff", {I, I, I, I}, {I}},
        {"proc_exit", {I}, {}},
        {"proc_raise", {I}, {I}},
        {"sched_yield", {}, {I}},
        {"random_get", {I, I}, {I}},
        {"sock_accept", {I, I, I}, {I}},
        {"sock_recv", {I, I, I, I, I, I}, {I}},
        {"sock_send", {I, I, I, I, I}, {I}},
        {"sock_shutdown", {I, I}, {I}},
    };
}

TEST(WasiTypes, EveryPreview1FunctionIsDefinedWithItsLoweredType) {
    Linker linker;
    add_wasi(linker, test_binding());
    const auto expected = preview1_types();
    EXPECT_EQ(expected.size(), 46u);
    for (const Expected& e : expected) {
        const Extern* ext = linker.find("wasi_snapshot_preview1", e.name);
        ASSERT_NE(ext, nullptr) << e.name;
        ASSERT_EQ(ext->kind, ExternKind::Func) << e.name;
        EXPECT_EQ(ext->func->type(), (FuncType{e.params, e.results})) << e.name;
        // The older module name has the same functions, but for sock_accept.
        const Extern* unstable = linker.find("wasi_unstable", e.name);
        if (std::string_view(e.name) == "sock_accept") {
            EXPECT_EQ(unstable, nullptr);
            continue;
        }
        ASSERT_NE(unstable, nullptr) << e.name;
        EXPECT_EQ(unstable->func->type(), (FuncType{e.params, e.results})) << e.name;
    }
}

TEST_F(Wasi, ModuleImportingEveryFunctionLinks) {
    // SetUp instantiated it; every wrapper is there.
    for (const Expected& e : preview1_types())
        EXPECT_NE(instance->exported_function(e.name), nullptr) << e.name;
}

TEST_F(Wasi, ImportWithTheWrongTypeDoesNotLink) {
    auto m = Module::compile(read_testdata("wasi_wrong_type.wasm"));
    ASSERT_TRUE(m);
    EXPECT_FALSE(linker.instantiate(*exec, m.value()));
}

// ---------------------------------------------------------------------------------------------
// args and environ

TEST_F(Wasi, ArgsAreLaidOutAsPointersThenNulTerminatedStrings) {
    const std::vector<std::string> args = {"prog", "", "h\xc3\xa9llo w\xc3\xb6rld"};
    context.args = args;
    fill(0xAA);
    EXPECT_EQ(call("args_sizes_get", {i32(16), i32(20)}), kSuccess);
    EXPECT_EQ(u32(16), 3u);
    const uint32_t size = 5 + 1 + 14;
    EXPECT_EQ(u32(20), size);

    EXPECT_EQ(call("args_get", {i32(64), i32(256)}), kSuccess);
    EXPECT_EQ(u32(64), 256u);
    EXPECT_EQ(u32(68), 261u);
    EXPECT_EQ(u32(72), 262u);
    const char expected[] = "prog\0\0h\xc3\xa9llo w\xc3\xb6rld"; // plus the final NUL
    EXPECT_EQ(text(256, size), std::string(expected, size));
    EXPECT_TRUE(untouched(76, 256, 0xAA));
    EXPECT_TRUE(untouched(256 + size, 1024, 0xAA));
    EXPECT_TRUE(untouched(24, 64, 0xAA));
}

TEST_F(Wasi, EnvironUsesTheSameLayout) {
    const std::vector<std::string> env = {"A=1", "GREETING=hi"};
    context.env = env;
    fill(0xAA);
    EXPECT_EQ(call("environ_sizes_get", {i32(0), i32(4)}), kSuccess);
    EXPECT_EQ(u32(0), 2u);
    EXPECT_EQ(u32(4), 16u);
    EXPECT_EQ(call("environ_get", {i32(100), i32(200)}), kSuccess);
    EXPECT_EQ(u32(100), 200u);
    EXPECT_EQ(u32(104), 204u);
    EXPECT_EQ(text(200, 16), std::string("A=1\0GREETING=hi\0", 16));
    EXPECT_TRUE(untouched(216, 300, 0xAA));
}

TEST_F(Wasi, EmptyEnvironWritesNothing) {
    fill(0xAA);
    EXPECT_EQ(call("environ_sizes_get", {i32(0), i32(4)}), kSuccess);
    EXPECT_EQ(u32(0), 0u);
    EXPECT_EQ(u32(4), 0u);
    EXPECT_EQ(call("environ_get", {i32(100), i32(200)}), kSuccess);
    EXPECT_TRUE(untouched(8, kPage, 0xAA));
}

TEST_F(Wasi, ArgsOutsideMemoryAreEfaultAndWriteNothing) {
    const std::vector<std::string> args = {"prog", "argument"};
    context.args = args;
    fill(0xAA);
    EXPECT_EQ(call("args_sizes_get", {i32(kPage - 2), i32(0)}), kFault);
    EXPECT_EQ(call("args_sizes_get", {i32(0), i32(0xFFFFFFFF)}), kFault);
    EXPECT_EQ(call("args_get", {i32(0), i32(kPage - 10)}), kFault); // 14 bytes of strings
    EXPECT_EQ(call("args_get", {i32(kPage - 4), i32(0)}), kFault);  // 8 bytes of pointers
    EXPECT_TRUE(untouched(0, kPage, 0xAA));
    EXPECT_EQ(call("args_get", {i32(kPage - 8), i32(kPage - 22)}), kSuccess) << "exact fit";
}

// ---------------------------------------------------------------------------------------------
// Clocks and random

TEST_F(Wasi, MonotonicClockNeverGoesBackwards) {
    uint64_t last = 0;
    for (int i = 0; i < 200; ++i) {
        ASSERT_EQ(call("clock_time_get", {i32(1), i64(1), i32(8)}), kSuccess);
        EXPECT_GE(u64(8), last);
        last = u64(8);
    }
    EXPECT_GT(last, 0u);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_EQ(call("clock_time_get", {i32(1), i64(0), i32(8)}), kSuccess);
    EXPECT_GE(u64(8), last + 1'000'000) << "2 ms later";
}

TEST_F(Wasi, RealtimeClockIsTheHostsTime) {
    ASSERT_EQ(call("clock_time_get", {i32(0), i64(0), i32(8)}), kSuccess);
    const auto host = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    const auto diff = int64_t(u64(8)) - int64_t(host.count());
    EXPECT_LT(std::abs(diff), int64_t(5'000'000'000)) << "within 5 s";
}

TEST_F(Wasi, EveryClockHasAResolutionAndCputimeAdvances) {
    for (uint32_t id = 0; id < 4; ++id) {
        EXPECT_EQ(call("clock_res_get", {i32(id), i32(16)}), kSuccess) << id;
        EXPECT_GT(u64(16), 0u) << id;
        EXPECT_LE(u64(16), 1'000'000u) << id;
    }
    for (uint32_t id : {2u, 3u}) {
        ASSERT_EQ(call("clock_time_get", {i32(id), i64(0), i32(0)}), kSuccess);
        const uint64_t before = u64(0);
        volatile uint64_t spin = 0;
        for (int i = 0; i < 5'000'000; ++i)
            spin = spin + uint64_t(i);
        ASSERT_EQ(call("clock_time_get", {i32(id), i64(0), i32(0)}), kSuccess);
        EXPECT_GT(u64(0), before) << id;
    }
}

TEST_F(Wasi, UnknownClockIsEinvalAndBadPointerIsEfault) {
    for (uint32_t id : {4u, 100u, 0xFFFFFFFFu}) {
        EXPECT_EQ(call("clock_time_get", {i32(id), i64(0), i32(0)}), kInval);
        EXPECT_EQ(call("clock_res_get", {i32(id), i32(0)}), kInval);
    }
    EXPECT_EQ(call("clock_time_get", {i32(1), i64(0), i32(kPage - 7)}), kFault);
    EXPECT_EQ(call("clock_res_get", {i32(0), i32(0xFFFFFFFF)}), kFault);
    EXPECT_EQ(call("clock_time_get", {i32(1), i64(0), i32(kPage - 8)}), kSuccess);
}

TEST_F(Wasi, RandomGetFillsExactlyTheRange) {
    fill(0);
    ASSERT_EQ(call("random_get", {i32(1000), i32(4096)}), kSuccess);
    EXPECT_TRUE(untouched(0, 1000, 0));
    EXPECT_TRUE(untouched(5096, kPage, 0));
    EXPECT_FALSE(untouched(1000, 5096, 0));
    // Chance of a zero byte is 1/256; of 64 in a row, none.
    int zero_run = 0, longest = 0;
    for (uint32_t a = 1000; a < 5096; ++a) {
        zero_run = *at(a) == 0 ? zero_run + 1 : 0;
        longest = std::max(longest, zero_run);
    }
    EXPECT_LT(longest, 64);
    const std::string first = text(1000, 4096);
    ASSERT_EQ(call("random_get", {i32(1000), i32(4096)}), kSuccess);
    EXPECT_NE(text(1000, 4096), first);
    EXPECT_EQ(call("random_get", {i32(0), i32(kPage)}), kSuccess) << "all of memory";
    EXPECT_EQ(call("random_get", {i32(kPage), i32(0)}), kSuccess) << "empty, at the end";
}

TEST_F(Wasi, RandomGetOutsideMemoryIsEfault) {
    fill(0);
    EXPECT_EQ(call("random_get", {i32(kPage - 4), i32(5)}), kFault);
    EXPECT_EQ(call("random_get", {i32(0xFFFFFFF0), i32(0x20)}), kFault) << "wraps in 32 bits";
    EXPECT_EQ(call("random_get", {i32(0), i32(0xFFFFFFFF)}), kFault);
    EXPECT_EQ(call("random_get", {i32(kPage + 1), i32(0)}), kFault);
    EXPECT_TRUE(untouched(0, kPage, 0));
}

// ---------------------------------------------------------------------------------------------
// fd_write, fd_read

TEST_F(Wasi, FdWriteGathersEveryIovecToStdoutAndStderr) {
    Pipe out, err;
    stdio(-1, out.write_end, err.write_end);
    put_text(1000, "Hello");
    put_text(2000, ", ");
    put_text(3000, "world\n");
    put_iovec(100, 1000, 5);
    put_iovec(108, 5000, 0); // empty
    put_iovec(116, 2000, 2);
    put_iovec(124, 3000, 6);
    ASSERT_EQ(call("fd_write", {i32(1), i32(100), i32(4), i32(200)}), kSuccess);
    EXPECT_EQ(u32(200), 13u);
    ASSERT_EQ(call("fd_write", {i32(2), i32(116), i32(2), i32(204)}), kSuccess);
    EXPECT_EQ(u32(204), 8u);
    ASSERT_EQ(call("fd_write", {i32(1), i32(100), i32(0), i32(208)}), kSuccess);
    EXPECT_EQ(u32(208), 0u);
    EXPECT_EQ(out.drain(), "Hello, world\n");
    EXPECT_EQ(err.drain(), ", world\n");
}

// More bytes than a pipe holds and more iovecs than one writev batch, through a non-blocking
// pipe: exercises short writes, EAGAIN and batching.
TEST_F(Wasi, FdWriteWritesEverythingThroughShortWrites) {
    ASSERT_GE(memory->grow(31), 0);
    constexpr uint32_t kIovecs = 300, kChunk = 4000, kData = 0x10000;
    for (uint32_t i = 0; i < kIovecs * kChunk; ++i)
        *at(kData + i) = uint8_t(i * 7 + i / 251);
    for (uint32_t i = 0; i < kIovecs; ++i)
        put_iovec(8 * i, kData + i * kChunk, kChunk);
    Pipe out;
    ASSERT_EQ(::fcntl(out.write_end, F_SETFL, O_NONBLOCK), 0);
    stdio(-1, out.write_end, 2);
    std::string received;
    std::thread reader([&] {
        char buf[1000];
        for (ssize_t n; (n = ::read(out.read_end, buf, sizeof buf)) != 0;) {
            if (n > 0) received.append(buf, size_t(n));
            std::this_thread::yield(); // read slowly so that the writer sees a full pipe
        }
    });
    const int32_t r = call("fd_write", {i32(1), i32(0), i32(kIovecs), i32(kData - 4)});
    out.close_write();
    reader.join();
    ASSERT_EQ(r, kSuccess);
    EXPECT_EQ(u32(kData - 4), kIovecs * kChunk);
    ASSERT_EQ(received.size(), size_t(kIovecs) * kChunk);
    EXPECT_EQ(received, text(kData, size_t(kIovecs) * kChunk));
}

TEST_F(Wasi, FdWriteWithBadPointersIsEfaultAndWritesNothing) {
    Pipe out;
    stdio(-1, out.write_end, 2);
    put_text(1000, "data");
    put_iovec(100, 1000, 4);
    EXPECT_EQ(call("fd_write", {i32(1), i32(kPage - 4), i32(1), i32(0)}), kFault)
        << "iovec array out of bounds";
    EXPECT_EQ(call("fd_write", {i32(1), i32(100), i32(0x20000000), i32(0)}), kFault)
        << "iovec count beyond memory";
    EXPECT_EQ(call("fd_write", {i32(1), i32(100), i32(1), i32(kPage - 3)}), kFault)
        << "nwritten out of bounds";
    put_iovec(108, kPage - 2, 4);
    EXPECT_EQ(call("fd_write", {i32(1), i32(100), i32(2), i32(0)}), kFault)
        << "second buffer out of bounds";
    put_iovec(108, 0xFFFFFF00, 0x200);
    EXPECT_EQ(call("fd_write", {i32(1), i32(100), i32(2), i32(0)}), kFault)
        << "buffer wraps in 32 bits";
    EXPECT_EQ(out.drain(), "");
}

TEST_F(Wasi, FdWriteToOtherDescriptorsIsEbadf) {
    put_iovec(100, 1000, 4);
    for (uint32_t fd : {0u, 3u, 4u, 0x7FFFFFFFu, 0xFFFFFFFFu})
        EXPECT_EQ(call("fd_write", {i32(fd), i32(100), i32(1), i32(0)}), kBadf) << fd;
}

TEST_F(Wasi, FdReadOfAnEmptyStdinIsEndOfFile) {
    put_iovec(100, 1000, 16);
    put_u32(200, 0xDEAD);
    ASSERT_EQ(call("fd_read", {i32(0), i32(100), i32(1), i32(200)}), kSuccess);
    EXPECT_EQ(u32(200), 0u);
}

TEST_F(Wasi, FdReadScattersStdinOverTheIovecs) {
    Pipe in;
    stdio(in.read_end, 1, 2);
    ASSERT_EQ(::write(in.write_end, "abcde", 5), 5);
    fill(0xAA);
    put_iovec(100, 1000, 2);
    put_iovec(108, 1100, 0);
    put_iovec(116, 1200, 2);
    ASSERT_EQ(call("fd_read", {i32(0), i32(100), i32(3), i32(200)}), kSuccess);
    EXPECT_EQ(u32(200), 4u);
    EXPECT_EQ(text(1000, 2), "ab");
    EXPECT_EQ(text(1200, 2), "cd");
    EXPECT_TRUE(untouched(1002, 1200, 0xAA));
    ASSERT_EQ(call("fd_read", {i32(0), i32(100), i32(3), i32(200)}), kSuccess);
    EXPECT_EQ(u32(200), 1u);
    EXPECT_EQ(text(1000, 1), "e");
    in.close_write();
    ASSERT_EQ(call("fd_read", {i32(0), i32(100), i32(3), i32(200)}), kSuccess);
    EXPECT_EQ(u32(200), 0u);
}

TEST_F(Wasi, FdReadChecksDescriptorAndPointers) {
    put_iovec(100, 1000, 4);
    EXPECT_EQ(call("fd_read", {i32(1), i32(100), i32(1), i32(200)}), kBadf);
    EXPECT_EQ(call("fd_read", {i32(3), i32(100), i32(1), i32(200)}), kBadf);
    EXPECT_EQ(call("fd_read", {i32(0), i32(kPage - 4), i32(1), i32(200)}), kFault);
    EXPECT_EQ(call("fd_read", {i32(0), i32(100), i32(1), i32(0xFFFFFFFF)}), kFault);
    put_iovec(100, kPage - 3, 4);
    EXPECT_EQ(call("fd_read", {i32(0), i32(100), i32(1), i32(200)}), kFault);
}

// ---------------------------------------------------------------------------------------------
// fdstat, close, seek, prestat

// fd_fdstat_get tells what each stdio descriptor really is, so that isatty() (a character
// device without seek rights) is true only for a terminal.
TEST_F(Wasi, StdioDescriptorsReportTheirRealFileType) {
    constexpr uint64_t kRead = 1 << 1, kSeek = 1 << 2, kTell = 1 << 5, kWrite = 1 << 6;
    Pipe in;
    char file_name[] = "/tmp/tycho-wasi-stdio-XXXXXX";
    const int file = ::mkstemp(file_name);
    ASSERT_GE(file, 0);
    ::unlink(file_name);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    ASSERT_GE(null, 0);
    stdio(in.read_end, file, null);
    struct Expect {
        uint8_t type;
        bool seekable;
    };
    const Expect expected[3] = {{0, false} /* a pipe: unknown */,
                                {4, true} /* regular file */,
                                {2, false} /* a character device */};
    for (uint32_t fd = 0; fd < 3; ++fd) {
        fill(0xAA);
        ASSERT_EQ(call("fd_fdstat_get", {i32(fd), i32(64)}), kSuccess) << fd;
        EXPECT_EQ(*at(64), expected[fd].type) << fd;
        EXPECT_EQ(*at(66) | (*at(67) << 8), 0) << "flags";
        const uint64_t base = u64(72);
        EXPECT_EQ((base & (kSeek | kTell)) != 0, expected[fd].seekable) << fd;
        EXPECT_EQ((base & kRead) != 0, fd == 0) << fd;
        EXPECT_EQ((base & kWrite) != 0, fd != 0) << fd;
        EXPECT_EQ(u64(80), 0u) << "inheriting";
        EXPECT_TRUE(untouched(0, 64, 0xAA));
        EXPECT_TRUE(untouched(88, 200, 0xAA));
    }
    EXPECT_EQ(call("fd_fdstat_get", {i32(3), i32(64)}), kBadf);
    EXPECT_EQ(call("fd_fdstat_get", {i32(1), i32(kPage - 23)}), kFault);
    stdio(-1, 1, 2);
    ::close(file);
    ::close(null);
}

TEST_F(Wasi, ClosedStdioDescriptorIsGoneForThisProcessOnly) {
    Pipe out;
    stdio(-1, out.write_end, 2);
    put_text(1000, "x");
    put_iovec(100, 1000, 1);
    EXPECT_EQ(call("fd_close", {i32(1)}), kSuccess);
    EXPECT_EQ(call("fd_close", {i32(1)}), kBadf);
    EXPECT_EQ(call("fd_write", {i32(1), i32(100), i32(1), i32(200)}), kBadf);
    EXPECT_EQ(call("fd_fdstat_get", {i32(1), i32(64)}), kBadf);
    EXPECT_EQ(call("fd_seek", {i32(1), i64(0), i32(0), i32(64)}), kBadf);
    EXPECT_EQ(call("fd_close", {i32(3)}), kBadf);
    EXPECT_EQ(call("fd_close", {i32(0xFFFFFFFF)}), kBadf);
    EXPECT_EQ(out.drain(), "");

    WasiContext other; // another process still has its stdout
    add_stdio(other, -1, out.write_end, 2);
    g_context = &other;
    EXPECT_EQ(call("fd_fdstat_get", {i32(1), i32(64)}), kSuccess);
    g_context = &context;
    EXPECT_EQ(call("fd_fdstat_get", {i32(2), i32(64)}), kSuccess);
}

TEST_F(Wasi, SeekOnStdioIsEspipe) {
    Pipe in, out, err;
    stdio(in.read_end, out.write_end, err.write_end);
    for (uint32_t fd = 0; fd < 3; ++fd)
        EXPECT_EQ(call("fd_seek", {i32(fd), i64(0), i32(1), i32(64)}), kSpipe) << fd;
    EXPECT_EQ(call("fd_seek", {i32(3), i64(0), i32(1), i32(64)}), kBadf);
}

TEST_F(Wasi, ThereAreNoPreopens) {
    for (uint32_t fd : {0u, 3u, 4u}) {
        EXPECT_EQ(call("fd_prestat_get", {i32(fd), i32(64)}), kBadf) << fd;
        EXPECT_EQ(call("fd_prestat_dir_name", {i32(fd), i32(64), i32(16)}), kBadf) << fd;
    }
}

// ---------------------------------------------------------------------------------------------
// Process control and the rest

TEST_F(Wasi, ProcExitEndsTheCallThroughTheBinding) {
    auto r = try_call("proc_exit", {i32(42)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, TrapCode::Interrupted);
    EXPECT_EQ(r.error().message, "exit 42");
    EXPECT_EQ(g_exit_code, 42u);
}

TEST_F(Wasi, ProcExitWithoutAnExitBindingTraps) {
    Linker bare;
    WasiBinding b = test_binding();
    b.exit = nullptr;
    add_wasi(bare, b);
    auto m = Module::compile(read_testdata("wasi_all.wasm"));
    ASSERT_TRUE(m);
    auto i = bare.instantiate(*exec, m.value());
    ASSERT_TRUE(i);
    auto r = i.value()->exported_function("proc_exit")->call(*exec, std::vector{i32(3)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, TrapCode::HostTrap);
}

TEST_F(Wasi, SchedYieldCallsTheBinding) {
    EXPECT_EQ(call("sched_yield", {}), kSuccess);
    EXPECT_EQ(call("sched_yield", {}), kSuccess);
    EXPECT_EQ(g_yields, 2);
}

// Every function is implemented: with zero or all-ones arguments each answers an error of
// its own (EBADF, EFAULT, EINVAL...) without trapping; only proc_raise, since Tycho has no
// signals for guests, is ENOSYS.
TEST_F(Wasi, NoFunctionIsAStub) {
    for (const Expected& e : preview1_types()) {
        if (std::string_view(e.name) == "proc_exit" || std::string_view(e.name) == "sched_yield")
            continue;
        for (uint64_t bits : {uint64_t(0), ~uint64_t(0)}) {
            std::vector<Value> args;
            for (ValType t : e.params)
                args.push_back(t == ValType::I64 ? i64(bits) : i32(uint32_t(bits)));
            // poll_oneoff with one subscription of zeros waits on a clock of 0 ns.
            const int32_t r = call(e.name, args);
            if (std::string_view(e.name) == "proc_raise")
                EXPECT_EQ(r, kNosys);
            else
                EXPECT_NE(r, kNosys) << e.name;
        }
    }
}

TEST_F(Wasi, ModuleWithoutMemoryGetsEfault) {
    auto no_memory = instantiate("wasi_no_memory.wasm");
    ASSERT_NE(no_memory, nullptr);
    auto r = no_memory->exported_function("random_get")->call(*exec, std::vector{i32(0), i32(0)});
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)[0].as_i32(), kFault);
}

TEST_F(Wasi, MissingContextBindingTrapsInsteadOfCrashing) {
    Linker bare;
    add_wasi(bare, WasiBinding{});
    auto m = Module::compile(read_testdata("wasi_all.wasm"));
    ASSERT_TRUE(m);
    auto i = bare.instantiate(*exec, m.value());
    ASSERT_TRUE(i);
    auto r =
        i.value()->exported_function("args_sizes_get")->call(*exec, std::vector{i32(0), i32(4)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, TrapCode::HostTrap);
}

// ---------------------------------------------------------------------------------------------
// A real wasi-libc program

TEST_F(Wasi, WasiLibcProgramRunsToItsExitStatus) {
    if (!std::filesystem::exists(testdata_path("wasi_hello.wasm")))
        GTEST_SKIP() << "wasi-libc is not installed";
    Pipe out, err;
    const std::vector<std::string> args = {"hello", "a b"};
    const std::vector<std::string> env = {"HOME=/nowhere", "GREETING=hi"};
    context.args = args;
    context.env = env;
    stdio(-1, out.write_end, err.write_end);
    auto program = instantiate("wasi_hello.wasm");
    ASSERT_NE(program, nullptr);
    const Function* start = program->exported_function("_start");
    ASSERT_NE(start, nullptr);
    auto r = start->call(*exec, {});
    ASSERT_FALSE(r) << "main returns 7, so _start calls proc_exit";
    EXPECT_EQ(r.error().code, TrapCode::Interrupted) << r.error().message;
    EXPECT_EQ(g_exit_code, 7u);
    EXPECT_EQ(out.drain(), "argc=2 [hello] [a b]\n"
                           "GREETING=hi\n"
                           "monotonic=ok\n"
                           "entropy=ok\n"
                           "realtime=ok\n"
                           "fopen=failed\n"
                           "isatty=0\n");
    EXPECT_EQ(err.drain(), "to stderr\n");
}

} // namespace
