// Tests of Node as a whole: how it is torn down.
#include "host/node.h"

#include "wasm_test_module.h"

#include <gtest/gtest.h>

namespace tycho::host {
namespace {

using wasm::ValType;
using wasm::test::Code;

// A root whose `_start` makes `count` delayed sends to itself, due 0 to 63 ms later, and
// ends: they fire after it is gone, some while its node is being torn down.
std::shared_ptr<const wasm::Module> delayed_sends(const Host& host, int32_t count) {
    wasm::test::TestModule m;
    auto import = [&](const char* module, const char* name) {
        m.imports.push_back({module, name, host.linker().find(module, name)->func->type()});
    };
    import("lunatic::message", "create_data"); // 0
    import("lunatic::process", "process_id");  // 1
    import("lunatic::timer", "send_after");    // 2
    Code loop;
    loop.op(0x03).op(0x40); // loop
    loop.i64_const(0).i64_const(0).call(0);
    loop.call(1).local_get(0).i32_const(63).op(0x71).op(0xad); // i32.and, i64.extend_i32_u
    loop.call(2).drop();
    loop.local_get(0).i32_const(1).op(0x6a).op(0x22).u32(0); // i32.add, local.tee 0
    loop.i32_const(count).op(0x49).op(0x0d).u32(0);          // i32.lt_u, br_if 0
    loop.op(0x0b);                                           // end
    m.functions.push_back({"_start", {}, {}, 1, loop});
    auto module = host.compile(m.encode());
    EXPECT_TRUE(module) << module.error().to_string();
    return module ? module.value() : nullptr;
}

// The timer thread must not run a callback into a scheduler or environment that is gone.
// (Checked by the sanitizer build: a callback into freed memory seldom crashes otherwise.)
TEST(NodeTeardown, TimersDueDuringTeardownTouchNothingFreed) {
    for (int round = 0; round < 5; ++round) {
        NodeOptions options;
        options.workers = 2;
        Node node(options);
        auto module = delayed_sends(node.host(), 4000);
        ASSERT_NE(module, nullptr);
        ProcessConfig config;
        auto status = node.run_root(module, config);
        ASSERT_TRUE(status) << status.error();
        EXPECT_EQ(status.value(), 0);
    } // the node goes while its timers are due
}

} // namespace
} // namespace tycho::host
