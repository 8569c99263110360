// Host::compile and compile_for_guest: which tier a module gets depends on who asked for it.
#include "host/node.h"

#include "wasm_test_module.h"

#include <gtest/gtest.h>

namespace tycho::host {
namespace {

std::vector<uint8_t> small_module() {
    wasm::test::TestModule m;
    wasm::test::Code body;
    body.i32_const(7);
    m.functions.push_back({"seven", {}, {wasm::ValType::I32}, 0, body});
    return m.encode();
}

// Under --tier jit the root module gets native code at once; a module a guest compiles does
// not (it tiers up in the background, as under auto), so a guest cannot make the host spend
// whatever LLVM needs on a module of its choosing before compile_module returns.
TEST(HostCompile, GuestModulesAreNotCompiledNativelyUpFront) {
    NodeOptions options;
    options.workers = 1;
    options.host.compile.tier = wasm::Tier::Jit;
    Node node(options);
    const std::vector<uint8_t> bytes = small_module();
    auto root = node.host().compile(bytes);
    ASSERT_TRUE(root) << root.error().to_string();
    EXPECT_TRUE(root.value()->has_native_code());
    auto guest = node.host().compile_for_guest(bytes);
    ASSERT_TRUE(guest) << guest.error().to_string();
    EXPECT_FALSE(guest.value()->has_native_code());
}

} // namespace
} // namespace tycho::host
