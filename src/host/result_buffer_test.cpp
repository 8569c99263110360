// Tests of the lunatic_alloc result-buffer protocol (result_buffer.h): a host function
// "test"::"give"(len_ptr, n) hands n pattern bytes to modules whose lunatic_alloc export
// behaves well or badly.
#include "host/result_buffer.h"

#include "wasm_test_module.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace tycho::host {
namespace {

using wasm::ValType;
using wasm::Value;
using wasm::test::Code;
using wasm::test::TestFunction;
using wasm::test::TestModule;

constexpr uint32_t kPage = 65536;
constexpr uint32_t kLenPtr = 8;

uint8_t pattern(size_t i) {
    return uint8_t(i * 7 + 3);
}

// Imports: 0 = test::give(len_ptr, n) -> ptr, 1 = test::stop() (stops its caller, as a kill
// does). Function 2 = "run"(len_ptr, n) -> ptr; function 3 = the lunatic_alloc under test.
TestModule module_with_alloc(TestFunction alloc) {
    TestModule m;
    m.max_pages = 2;
    m.imports = {{"test", "give", {{ValType::I32, ValType::I32}, {ValType::I32}}},
                 {"test", "stop", {{}, {}}}};
    m.functions.push_back({"run",
                           {ValType::I32, ValType::I32},
                           {ValType::I32},
                           0,
                           Code{}.local_get(0).local_get(1).call(0)});
    alloc.export_name = alloc.export_name.empty() ? "lunatic_alloc" : alloc.export_name;
    m.functions.push_back(std::move(alloc));
    return m;
}

TestFunction alloc_returning(int32_t ptr) {
    return {"", {ValType::I32}, {ValType::I32}, 0, Code{}.i32_const(ptr)};
}

class ResultBuffer : public ::testing::Test {
  protected:
    ResultBuffer() {
        linker.func("test", "give", [](wasm::Caller& caller, uint32_t len_ptr, uint32_t n) {
            std::vector<uint8_t> bytes(n);
            for (size_t i = 0; i < n; ++i)
                bytes[i] = pattern(i);
            return int32_t(give_result_buffer(caller, "test::give", bytes, len_ptr).value_or(0));
        });
        linker.func("test", "stop", [](wasm::Caller& caller) { caller.stop("killed"); });
    }

    // Instantiates `m` and calls run(len_ptr, n).
    wasm::Result<std::vector<Value>, wasm::Trap> run(const TestModule& m, uint32_t len_ptr,
                                                     uint32_t n) {
        auto compiled = wasm::Module::compile(m.encode());
        EXPECT_TRUE(compiled) << compiled.error().to_string();
        auto made = linker.instantiate(*exec, compiled.value());
        EXPECT_TRUE(made) << made.error().to_string();
        instance = made.value();
        std::memset(instance->exported_memory("memory")->data() + len_ptr % kPage, 0xEE,
                    std::min<size_t>(8, kPage - len_ptr % kPage));
        const Value args[] = {Value::i32(int32_t(len_ptr)), Value::i32(int32_t(n))};
        return instance->exported_function("run")->call(*exec, args);
    }
    std::string trap_of(const TestModule& m, uint32_t len_ptr, uint32_t n) {
        auto result = run(m, len_ptr, n);
        EXPECT_FALSE(result);
        if (result) return "";
        EXPECT_EQ(result.error().code, wasm::TrapCode::HostTrap);
        return result.error().message;
    }
    const uint8_t* memory() { return instance->exported_memory("memory")->data(); }
    uint64_t u64_at(uint32_t address) {
        uint64_t v;
        std::memcpy(&v, memory() + address, 8);
        return v;
    }

    wasm::Linker linker;
    std::unique_ptr<wasm::ExecutionContext> exec = wasm::ExecutionContext::create();
    std::shared_ptr<wasm::Instance> instance;
};

TEST_F(ResultBuffer, CopiesTheBytesAndWritesTheLengthAsEightBytes) {
    auto result = run(module_with_alloc(alloc_returning(1000)), kLenPtr, 300);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result.value()[0].as_i32(), 1000);
    EXPECT_EQ(u64_at(kLenPtr), 300u);
    for (size_t i = 0; i < 300; ++i)
        ASSERT_EQ(memory()[1000 + i], pattern(i)) << i;
    EXPECT_EQ(memory()[1300], 0); // nothing beyond
}

TEST_F(ResultBuffer, AddressZeroAndUnalignedPointersAreOrdinary) {
    auto result = run(module_with_alloc(alloc_returning(0)), 4093, 16);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result.value()[0].as_i32(), 0);
    EXPECT_EQ(u64_at(4093), 16u);
    EXPECT_EQ(memory()[15], pattern(15));
}

TEST_F(ResultBuffer, AnEmptyResultStillCallsTheGuest) {
    // lunatic_alloc(0) stores its argument + 1 at 0 to show that it ran.
    TestFunction alloc{"",
                       {ValType::I32},
                       {ValType::I32},
                       0,
                       Code{}
                           .i32_const(0)
                           .local_get(0)
                           .i32_const(1)
                           .op(0x6a)
                           .memory_access(0x36, 2, 0)
                           .i32_const(64)};
    auto result = run(module_with_alloc(alloc), kLenPtr, 0);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result.value()[0].as_i32(), 64);
    EXPECT_EQ(memory()[0], 1);
    EXPECT_EQ(u64_at(kLenPtr), 0u);
}

TEST_F(ResultBuffer, MemoryGrownByTheGuestIsWhereTheBytesGo) {
    // memory.grow(1), then the first byte of the new page.
    TestFunction alloc{"",
                       {ValType::I32},
                       {ValType::I32},
                       0,
                       Code{}.i32_const(1).memory_grow().drop().i32_const(int32_t(kPage))};
    auto result = run(module_with_alloc(alloc), kLenPtr, 100);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(uint32_t(result.value()[0].as_i32()), kPage);
    EXPECT_EQ(memory()[kPage + 99], pattern(99));
}

TEST_F(ResultBuffer, AMissingExportTraps) {
    TestFunction other = alloc_returning(0);
    other.export_name = "not_lunatic_alloc";
    EXPECT_EQ(trap_of(module_with_alloc(other), kLenPtr, 4),
              "test::give: the module exports no function 'lunatic_alloc' to receive the result");
}

TEST_F(ResultBuffer, AnExportOfAnotherTypeTraps) {
    TestFunction wide{"", {ValType::I64}, {ValType::I32}, 0, Code{}.i32_const(0)};
    EXPECT_EQ(
        trap_of(module_with_alloc(wide), kLenPtr, 4),
        "test::give: the module's 'lunatic_alloc' has type [i64] -> [i32], not [i32] -> [i32]");
    TestFunction no_result{"", {ValType::I32}, {}, 0, Code{}};
    EXPECT_NE(trap_of(module_with_alloc(no_result), kLenPtr, 4).find("not [i32] -> [i32]"),
              std::string::npos);
}

TEST_F(ResultBuffer, ATrapInsideTheGuestTrapsTheHostCall) {
    TestFunction unreachable{"", {ValType::I32}, {ValType::I32}, 0, Code{}.op(0x00)};
    const std::string message = trap_of(module_with_alloc(unreachable), kLenPtr, 4);
    EXPECT_EQ(message.rfind("test::give: lunatic_alloc(4) trapped: ", 0), 0u) << message;
    EXPECT_NE(message.find("unreachable"), std::string::npos) << message;
    EXPECT_EQ(u64_at(kLenPtr), 0xEEEEEEEEEEEEEEEEu); // the length is not written
}

TEST_F(ResultBuffer, AStopInsideTheGuestStopsTheHostCall) {
    TestFunction stopping{"", {ValType::I32}, {ValType::I32}, 0, Code{}.call(1).i32_const(0)};
    auto result = run(module_with_alloc(stopping), kLenPtr, 4);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, wasm::TrapCode::Interrupted);
    EXPECT_EQ(result.error().message, "killed");
}

TEST_F(ResultBuffer, APointerOutsideTheMemoryTraps) {
    EXPECT_EQ(trap_of(module_with_alloc(alloc_returning(int32_t(kPage - 4))), kLenPtr, 5),
              "test::give: lunatic_alloc(5) returned 65532, but [65532, 65537) is outside the "
              "memory (65536 bytes)");
    EXPECT_EQ(u64_at(kLenPtr), 0xEEEEEEEEEEEEEEEEu);
    // Pointers near 2^32 must not wrap around.
    EXPECT_NE(trap_of(module_with_alloc(alloc_returning(-8)), kLenPtr, 16).find("is outside"),
              std::string::npos);
    // An empty result may sit at the very end, not beyond it.
    EXPECT_TRUE(run(module_with_alloc(alloc_returning(int32_t(kPage))), kLenPtr, 0));
    EXPECT_NE(trap_of(module_with_alloc(alloc_returning(int32_t(kPage + 1))), kLenPtr, 0)
                  .find("is outside"),
              std::string::npos);
}

TEST_F(ResultBuffer, ALengthPointerOutsideTheMemoryTraps) {
    const std::string message = trap_of(module_with_alloc(alloc_returning(0)), kPage - 4, 4);
    EXPECT_NE(message.find("out of bounds"), std::string::npos) << message;
}

} // namespace
} // namespace tycho::host
