// The native tier against the interpreter: each test runs the same module in both tiers
// and expects the same results, traps, backtraces and reductions.
#include "engine_api_fixture.h"
#include "native_loader.h"
#include "wasm_test_module.h"

#include <tycho/wasm/engine.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <unistd.h>

namespace tycho::wasm {
namespace {

class NativeTier : public ::testing::TestWithParam<Tier> {
  protected:
    void SetUp() override {
        auto m = Module::compile(read_testdata("native_tier.wasm"), CompileOptions{GetParam(), {}});
        ASSERT_TRUE(m) << m.error().to_string();
        module = m.value();
        ASSERT_EQ(module->has_native_code(), GetParam() == Tier::Jit);
        linker.func("host", "call_back", [this](Caller& c, int32_t x) -> int32_t {
            auto r =
                instance->exported_function("twice")->call(c.context(), std::vector{Value::i32(x)});
            if (!r) {
                c.trap("call back failed");
                return 0;
            }
            return r.value()[0].as_i32() + 1;
        });
        linker.func("host", "fail", [](Caller& c) { c.trap("host said no"); });
        auto i = linker.instantiate(*context, module);
        ASSERT_TRUE(i) << i.error().to_string();
        instance = i.value();
    }

    Result<std::vector<Value>, Trap> call(const char* name, std::vector<Value> args = {}) {
        return instance->exported_function(name)->call(*context, args);
    }

    std::unique_ptr<ExecutionContext> context = ExecutionContext::create();
    Linker linker;
    std::shared_ptr<const Module> module;
    std::shared_ptr<Instance> instance;
};

TEST_P(NativeTier, ChargesReductionsAtEntriesAndBackEdgesOnly) {
    // One slice for the whole call, so that the count is exact.
    context->set_reduction_hook(int64_t(1) << 40,
                                [](ExecutionContext&) { return HookAction::Continue; });
    const uint64_t before = context->reductions();
    auto r = call("spin", {Value::i64(100000)});
    ASSERT_TRUE(r);
    // The entry, then one per branch back to the loop: 99,999 of them for 100,000 rounds.
    EXPECT_EQ(context->reductions() - before, 100000u);
}

TEST_P(NativeTier, TheHookCanStopALoop) {
    int slices = 0;
    context->set_reduction_hook(5000, [&](ExecutionContext& ex) {
        if (++slices < 3) return HookAction::Continue;
        ex.set_stop_reason("out of fuel");
        return HookAction::Stop;
    });
    auto r = call("spin", {Value::i64(INT64_MAX)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, TrapCode::Interrupted);
    EXPECT_EQ(r.error().message, "out of fuel");
    EXPECT_EQ(slices, 3);
}

TEST_P(NativeTier, TrapsCarryTheSameBacktrace) {
    auto r = call("trap_outer", {Value::i32(0)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, TrapCode::IntegerDivideByZero);
    ASSERT_EQ(r.error().backtrace.size(), 3u);
    EXPECT_EQ(r.error().backtrace[0].func_index, 4u); // $trap_inner
    EXPECT_EQ(r.error().backtrace[1].func_index, 5u); // $trap_middle
    EXPECT_EQ(r.error().backtrace[2].func_index, 6u); // trap_outer
    EXPECT_EQ(r.error().backtrace[0].func_name, "trap_inner");
}

TEST_P(NativeTier, EndlessRecursionExhaustsTheStackAsATrap) {
    auto r = call("recurse", {Value::i32(0)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, TrapCode::CallStackExhausted);
    // And the context is usable afterwards.
    auto again = call("twice", {Value::i32(21)});
    ASSERT_TRUE(again);
    EXPECT_EQ(again.value()[0].as_i32(), 42);
}

TEST_P(NativeTier, CallsTheHostWhichCallsBack) {
    auto r = call("call_host", {Value::i32(20)});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r.value()[0].as_i32(), 41);
    auto failed = call("host_fails");
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, TrapCode::HostTrap);
    EXPECT_EQ(failed.error().message, "host said no");
}

TEST_P(NativeTier, CallIndirectChecksAsTheInterpreterDoes) {
    auto square = call("indirect", {Value::i32(0), Value::i32(7)});
    ASSERT_TRUE(square);
    EXPECT_EQ(square.value()[0].as_i32(), 49);
    auto through_host = call("indirect", {Value::i32(2), Value::i32(5)});
    ASSERT_TRUE(through_host);
    EXPECT_EQ(through_host.value()[0].as_i32(), 11);
    auto traps = call("indirect", {Value::i32(1), Value::i32(0)});
    ASSERT_FALSE(traps);
    EXPECT_EQ(traps.error().code, TrapCode::IntegerDivideByZero);
    EXPECT_EQ(call("indirect", {Value::i32(3), Value::i32(0)}).error().code,
              TrapCode::UninitializedElement);
    EXPECT_EQ(call("indirect", {Value::i32(4), Value::i32(0)}).error().code,
              TrapCode::UndefinedElement);
}

TEST_P(NativeTier, SeesTheMemoryMoveAsItGrows) {
    auto r = call("grow_and_sum", {Value::i32(40)});
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value()[0].as_i32(), 40 * 41 / 2);
    EXPECT_EQ(instance->memory()->pages(), 41u);
    auto inside = call("load", {Value::i32(41 * 65536 - 4)});
    EXPECT_TRUE(inside);
    auto outside = call("load", {Value::i32(41 * 65536 - 3)});
    ASSERT_FALSE(outside);
    EXPECT_EQ(outside.error().code, TrapCode::OutOfBoundsMemoryAccess);
}

INSTANTIATE_TEST_SUITE_P(BothTiers, NativeTier, ::testing::Values(Tier::Interpreter, Tier::Jit),
                         [](const auto& info) {
                             return info.param == Tier::Jit ? std::string("Jit")
                                                            : std::string("Interpreter");
                         });

// Native code drops the budget test and bounds checks from loops when the entry shows they
// cannot fail (jit/loop_versioning.h). The hook must still run after exactly the same
// reductions as in the interpreter, whether the budget covers the loop or runs out inside
// it, and an access past the memory's end must trap after the same stores.
TEST(LoopVersioning, HooksTrapsAndStoresAreThoseOfTheInterpreter) {
    struct Run {
        std::vector<uint64_t> hook_at; // reductions counted when the hook ran
        uint64_t reductions = 0;
        int32_t result = 0;
        std::optional<TrapCode> trap;
        std::vector<uint8_t> memory;
        bool operator==(const Run&) const = default;
    };
    auto run = [](Tier tier, int64_t slice, int32_t start, int32_t n) {
        CompileOptions options;
        options.tier = tier;
        auto m = Module::compile(read_testdata("native_tier.wasm"), options);
        Run r;
        if (!m) return r;
        auto context = ExecutionContext::create();
        context->set_reduction_hook(slice, [&](ExecutionContext& ex) {
            r.hook_at.push_back(ex.reductions());
            return HookAction::Continue;
        });
        Linker linker;
        linker.func("host", "call_back", [](Caller&, int32_t x) { return x; });
        linker.func("host", "fail", [](Caller& c) { c.trap("no"); });
        auto instance = linker.instantiate(*context, m.value());
        if (!instance) return r;
        // Twice: the first call leaves the budget part-spent for the second.
        for (int i = 0; i < 2 && !r.trap; ++i) {
            auto result = instance.value()->exported_function("fill")->call(
                *context, std::vector{Value::i32(start), Value::i32(n)});
            if (result)
                r.result += result.value()[0].as_i32();
            else
                r.trap = result.error().code;
        }
        r.reductions = context->reductions();
        auto bytes = instance.value()->memory()->view(0, instance.value()->memory()->size());
        r.memory.assign(bytes.begin(), bytes.end());
        return r;
    };
    struct Case {
        int32_t start, n;
    };
    const Case cases[] = {{0, 0},     {0, 1},        {0, 2},      {0, 999},   {0, 1000},
                          {0, 1001},  {0, 5000},     {0, 16384},  {4, 16383}, {0, 16385},
                          {8, 16383}, {65520, 4},    {65520, 5},  {65535, 1}, {-4, 2},
                          {0, 20000}, {-65536, 100}, {1 << 20, 3}};
    for (int64_t slice : {int64_t(1), int64_t(7), int64_t(1000), int64_t(1) << 40})
        for (const Case& c : cases) {
            const Run interpreted = run(Tier::Interpreter, slice, c.start, c.n);
            const Run native = run(Tier::Jit, slice, c.start, c.n);
            ASSERT_FALSE(interpreted.memory.empty());
            EXPECT_TRUE(native == interpreted)
                << "slice " << slice << ", fill(" << c.start << ", " << c.n
                << "): " << native.hook_at.size() << " hooks, " << native.reductions
                << " reductions, trap " << (native.trap ? int(*native.trap) : -1)
                << " in native code; " << interpreted.hook_at.size() << ", "
                << interpreted.reductions << ", "
                << (interpreted.trap ? int(*interpreted.trap) : -1) << " in the interpreter";
        }
}

// A module that tiers up while another thread runs it keeps computing the same thing.
TEST(TierUp, SwitchesWhileAnotherThreadRuns) {
    auto m = Module::compile(read_testdata("native_tier.wasm"));
    ASSERT_TRUE(m);
    std::shared_ptr<const Module> module = m.value();
    Linker linker;
    linker.func("host", "call_back", [](Caller&, int32_t x) { return x; });
    linker.func("host", "fail", [](Caller& c) { c.trap("no"); });
    std::atomic<bool> done{false};
    std::atomic<int> wrong{0};
    std::thread runner([&] {
        auto context = ExecutionContext::create();
        auto instance = linker.instantiate(*context, module);
        if (!instance) {
            ++wrong;
            return;
        }
        while (!done) {
            auto r = instance.value()
                         ->exported_function("grow_and_sum")
                         ->call(*context, std::vector{Value::i32(3)});
            if (!r || r.value()[0].as_i32() != 6) ++wrong;
            instance = linker.instantiate(*context, module); // fresh memory for the next round
            if (!instance) return;
        }
    });
    auto up = module->tier_up();
    done = true;
    runner.join();
    ASSERT_TRUE(up) << up.error().to_string();
    EXPECT_TRUE(module->has_native_code());
    EXPECT_EQ(wrong, 0);
}

// Tier::Auto: a module that keeps running is compiled in the background and switched over
// while it runs; results stay the same.
TEST(TierUp, AutoCompilesAHotModuleInTheBackground) {
    auto m = Module::compile(read_testdata("native_tier.wasm"), CompileOptions{Tier::Auto, {}});
    ASSERT_TRUE(m);
    EXPECT_FALSE(m.value()->has_native_code());
    auto context = ExecutionContext::create();
    context->set_reduction_hook(4000, [](ExecutionContext&) { return HookAction::Continue; });
    Linker linker;
    linker.func("host", "call_back", [](Caller&, int32_t x) { return x; });
    linker.func("host", "fail", [](Caller& c) { c.trap("no"); });
    auto instance = linker.instantiate(*context, m.value());
    ASSERT_TRUE(instance);
    const Function* spin = instance.value()->exported_function("spin");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!m.value()->has_native_code() && std::chrono::steady_clock::now() < deadline) {
        auto r = spin->call(*context, std::vector{Value::i64(100000)});
        ASSERT_TRUE(r);
        EXPECT_EQ(r.value()[0].as_i64(), 0);
    }
    EXPECT_TRUE(m.value()->has_native_code());
    auto r = spin->call(*context, std::vector{Value::i64(100000)});
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value()[0].as_i64(), 0);
}

// Auto compiles in the background only modules the host can afford unasked: bounded in
// total code and in the size of any one function (native_loader.h).
TEST(TierUp, BackgroundCompilesOnlyModulesOfBoundedSize) {
    auto fits = [](std::vector<size_t> body_sizes) {
        test::TestModule m;
        for (size_t size : body_sizes) {
            test::Code body;
            for (size_t i = 0; i + 1 < size; ++i) // nops, then the final `end`
                body.op(0x01);
            m.functions.push_back({"", {}, {}, 0, body});
        }
        auto module = Module::compile(m.encode(), CompileOptions{Tier::Auto, {}});
        EXPECT_TRUE(module) << module.error().to_string();
        return module && module.value()->compiled().fits_background_compile;
    };
    using detail::kMaxBackgroundCodeBytes;
    using detail::kMaxBackgroundFunctionBytes;
    EXPECT_TRUE(fits({100, 2000}));
    EXPECT_TRUE(fits({kMaxBackgroundFunctionBytes}));
    EXPECT_FALSE(fits({100, kMaxBackgroundFunctionBytes + 1}));
    const size_t functions = kMaxBackgroundCodeBytes / kMaxBackgroundFunctionBytes;
    EXPECT_TRUE(fits(std::vector<size_t>(functions, kMaxBackgroundFunctionBytes)));
    std::vector<size_t> over(functions, kMaxBackgroundFunctionBytes);
    over.push_back(1);
    EXPECT_FALSE(fits(over));
}

// The cache: the first compile writes the code, the next one reads it, and a damaged file
// is recompiled, never trusted.
TEST(NativeCache, StoresReadsAndRejectsDamagedCode) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("tycho-native-cache-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    CompileOptions options{Tier::Jit, dir.string()};
    const std::vector<uint8_t> bytes = read_testdata("native_tier.wasm");
    ASSERT_TRUE(Module::compile(bytes, options));
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        files.push_back(entry.path());
    ASSERT_EQ(files.size(), 1u);
    const auto written = std::filesystem::last_write_time(files[0]);

    ASSERT_TRUE(Module::compile(bytes, options));
    EXPECT_EQ(std::filesystem::last_write_time(files[0]), written); // read, not rewritten

    {
        std::fstream f(files[0], std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-16, std::ios::end);
        f.write("damaged damaged!", 16);
    }
    auto m = Module::compile(bytes, options);
    ASSERT_TRUE(m);
    auto context = ExecutionContext::create();
    Linker linker;
    linker.func("host", "call_back", [](Caller&, int32_t x) { return x; });
    linker.func("host", "fail", [](Caller& c) { c.trap("no"); });
    auto instance = linker.instantiate(*context, m.value());
    ASSERT_TRUE(instance);
    auto r =
        instance.value()->exported_function("twice")->call(*context, std::vector{Value::i32(4)});
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value()[0].as_i32(), 8);
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace tycho::wasm
