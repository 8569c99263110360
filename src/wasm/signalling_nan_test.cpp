// Signalling NaNs in both tiers: arithmetic must quiet them, even where an optimizer could
// fold the operator away; moving bits must keep them (testdata/signalling_nans.wat).
#include "engine_api_fixture.h"

#include <tycho/wasm/engine.h>

#include <gtest/gtest.h>

#include <string_view>

namespace tycho::wasm {
namespace {

constexpr uint32_t kSignalling32 = 0x7f80'0001;
constexpr uint64_t kSignalling64 = 0x7ff0'0000'0000'0001;

bool quiet_nan(ValType type, uint64_t bits) {
    if (type == ValType::F32 || type == ValType::I32) {
        const uint32_t quiet = 0x7fc0'0000;
        return (uint32_t(bits) & quiet) == quiet;
    }
    const uint64_t quiet = 0x7ff8'0000'0000'0000;
    return (bits & quiet) == quiet;
}

class SignallingNans : public ::testing::TestWithParam<Tier> {
  protected:
    void SetUp() override {
        CompileOptions options;
        options.tier = GetParam();
        auto m = Module::compile(read_testdata("signalling_nans.wasm"), options);
        ASSERT_TRUE(m) << m.error().to_string();
        module = m.value();
        auto i = Linker().instantiate(*context, module);
        ASSERT_TRUE(i) << i.error().to_string();
        instance = i.value();
    }

    // Calls `name` with a signalling NaN of its parameter's type, if it has one.
    Value call(std::string_view name) {
        const Function* fn = instance->exported_function(name);
        EXPECT_NE(fn, nullptr) << name;
        if (fn == nullptr) return {};
        std::vector<Value> args;
        for (ValType p : fn->type().params)
            args.push_back(p == ValType::F32 ? Value::f32_bits(kSignalling32)
                                             : Value::f64_bits(kSignalling64));
        auto r = fn->call(*context, args);
        EXPECT_TRUE(r) << name << ": " << r.error().message;
        if (!r || r.value().size() != 1) return {};
        return r.value()[0];
    }

    std::unique_ptr<ExecutionContext> context = ExecutionContext::create();
    std::shared_ptr<const Module> module;
    std::shared_ptr<Instance> instance;
};

TEST_P(SignallingNans, ArithmeticQuietsThemEvenWhereAnOperandIsAnIdentity) {
    int checked = 0;
    for (const auto& e : module->info().exports) {
        if (!e.name.starts_with("arith_")) continue;
        const Value v = call(e.name);
        EXPECT_TRUE(quiet_nan(v.type, v.bits)) << e.name << " gave 0x" << std::hex << v.bits;
        ++checked;
    }
    EXPECT_EQ(checked, 11);
}

TEST_P(SignallingNans, MovingBitsKeepsThem) {
    EXPECT_EQ(call("moves_through_memory_and_global").bits, kSignalling32);
    EXPECT_EQ(call("moves_neg_neg").bits, kSignalling64);
    EXPECT_EQ(call("moves_abs_copysign").bits, kSignalling32);
    EXPECT_EQ(call("moves_reinterpret").bits, kSignalling64);
}

INSTANTIATE_TEST_SUITE_P(BothTiers, SignallingNans, ::testing::Values(Tier::Interpreter, Tier::Jit),
                         [](const auto& info) {
                             return info.param == Tier::Jit ? std::string("Jit")
                                                            : std::string("Interpreter");
                         });

} // namespace
} // namespace tycho::wasm
