// Runs testdata/compiler_hazards.wat: every function there returns a wrong value if one of
// the compiler's forwarding or fusion rules ignores a hazard.
#include <tycho/wasm/engine.h>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

using namespace tycho::wasm;

namespace {

class CompilerHazards : public ::testing::Test {
  protected:
    void SetUp() override {
        std::ifstream in(std::string(TYCHO_WASM_TESTDATA) + "/compiler_hazards.wasm",
                         std::ios::binary);
        const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                         std::istreambuf_iterator<char>()};
        auto m = Module::compile(bytes);
        ASSERT_TRUE(m) << m.error().to_string();
        auto i = Linker().instantiate(*context, m.value());
        ASSERT_TRUE(i) << i.error().to_string();
        instance = i.value();
    }

    int32_t call(const char* name, std::vector<int32_t> args) {
        std::vector<Value> values;
        for (int32_t a : args)
            values.push_back(Value::i32(a));
        const Function* f = instance->exported_function(name);
        EXPECT_NE(f, nullptr) << name;
        if (!f) return INT32_MIN;
        auto r = f->call(*context, values);
        EXPECT_TRUE(r) << name << ": " << (r ? "" : r.error().message);
        return r ? r.value().at(0).as_i32() : INT32_MIN;
    }

    std::unique_ptr<ExecutionContext> context = ExecutionContext::create();
    std::shared_ptr<Instance> instance;
};

TEST_F(CompilerHazards, LocalReadBeforeItIsOverwritten) {
    EXPECT_EQ(call("stale_local", {5}), 5 - 100);
    EXPECT_EQ(call("stale_local_in_branch", {3, 1}), 21);
    EXPECT_EQ(call("stale_local_in_branch", {3, 0}), 9);
    EXPECT_EQ(call("stale_local_add", {12}), 1); // mem32[16]; a stale address reads mem32[4] = 0
    EXPECT_EQ(call("redirect_hazard", {41}), -1);
}

TEST_F(CompilerHazards, TeeOfAnExpressionReadingTheSameLocal) {
    EXPECT_EQ(call("tee_self", {7}), 42);
}

TEST_F(CompilerHazards, ComparesAndBranchesWithValues) {
    EXPECT_EQ(call("compare_select", {1, 2}), 10);
    EXPECT_EQ(call("compare_select", {2, 1}), 20);
    EXPECT_EQ(call("br_if_value", {1}), 1005);
    EXPECT_EQ(call("br_if_value", {0}), 1006);
    EXPECT_EQ(call("loop_params", {10}), 55);
}

TEST_F(CompilerHazards, AccumulatorAndMemoryOperands) {
    EXPECT_EQ(call("acc_across_call", {5}), 22);
    EXPECT_EQ(call("load_operand", {2}), 4 + 3); // mem32[24] = 3
    EXPECT_EQ(call("store_const", {100}), 8);
    EXPECT_EQ(call("rotate", {1, 2, 3}), 231);
}

} // namespace
