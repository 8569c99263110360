// Tests of the embedding API: host functions, memory, globals, traps, the reduction hook.
#include "engine_api_fixture.h"

#include <tycho/wasm/engine.h>

#include <gtest/gtest.h>

#include <map>
#include <thread>

using namespace tycho::wasm;

namespace {

TEST_F(EngineApi, TypedHostFunctionReceivesArgumentsAndReturnsResult) {
    auto r = call("call_host_add", {Value::i32(40), Value::i32(2)});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].as_i32(), 42);
}

TEST_F(EngineApi, HostFunctionWritesCallerMemory) {
    auto r = call("hello_at", {Value::i32(100)});
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)[0].as_i32(), 'h');
    EXPECT_EQ(std::memcmp(instance->memory()->data() + 100, "hello", 5), 0);
}

TEST_F(EngineApi, HostFunctionTrapCarriesItsMessage) {
    auto r = call("call_fail");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, TrapCode::HostTrap);
    EXPECT_EQ(r.error().message, "host said no");
    auto bad = call("hello_at", {Value::i32(65534)});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "store_hello: pointer out of bounds");
}

TEST_F(EngineApi, CallerReportsWhatTheHostFunctionAskedFor) {
    Caller caller(*context, instance.get());
    EXPECT_FALSE(caller.trapped());
    EXPECT_FALSE(caller.stopped());
    caller.trap("bad pointer");
    EXPECT_TRUE(caller.trapped());
    EXPECT_FALSE(caller.stopped());
    EXPECT_EQ(caller.message(), "bad pointer");
    caller.stop("killed");
    EXPECT_TRUE(caller.stopped());
    EXPECT_EQ(caller.message(), "killed");
    // A stop unwinds as an interruption, whatever the host function asked before.
    auto stopping = Function::host([](Caller& c) {
        c.trap("first");
        c.stop("then stopped");
    });
    uint64_t slot = 0;
    EXPECT_EQ(stopping->call_raw(*context, &slot), TrapCode::Interrupted);
    auto r = stopping->call(*context, {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "then stopped");
}

TEST_F(EngineApi, MultiValueResultsAndArgumentChecks) {
    auto r = call("swap", {Value::i32(7), Value::f64(2.5)});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].as_f64(), 2.5);
    EXPECT_EQ((*r)[1].as_i32(), 7);
    EXPECT_FALSE(call("swap", {Value::i32(7)}));
    EXPECT_FALSE(call("swap", {Value::f64(1), Value::i32(7)}));
}

TEST_F(EngineApi, GlobalsAreSharedWithTheEmbedder) {
    auto g = instance->get_export("counter");
    ASSERT_TRUE(g && g->kind == ExternKind::Global);
    EXPECT_EQ(g->global->get().as_i64(), 7);
    auto r = call("bump");
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)[0].as_i64(), 8);
    g->global->set(Value::i64(100));
    EXPECT_EQ(call("bump").value()[0].as_i64(), 101);
}

TEST_F(EngineApi, MemoryGrowRespectsMaximumAndEmbedderLimit) {
    EXPECT_EQ(call("grow", {Value::i32(1)}).value()[0].as_i32(), 1);
    EXPECT_EQ(instance->memory()->pages(), 2u);
    instance->memory()->set_page_limit(2);
    EXPECT_EQ(call("grow", {Value::i32(1)}).value()[0].as_i32(), -1);
    instance->memory()->set_page_limit(kMaxPages);
    EXPECT_EQ(call("grow", {Value::i32(3)}).value()[0].as_i32(), -1); // max is 4
    EXPECT_EQ(call("grow", {Value::i32(2)}).value()[0].as_i32(), 2);
    // The new pages are zeroed and accessible; one past the end traps.
    EXPECT_EQ(call("load", {Value::i32(4 * 65536 - 4)}).value()[0].as_i32(), 0);
    auto oob = call("load", {Value::i32(4 * 65536 - 3)});
    ASSERT_FALSE(oob);
    EXPECT_EQ(oob.error().code, TrapCode::OutOfBoundsMemoryAccess);
    EXPECT_EQ(oob.error().message, "out of bounds memory access");
}

TEST_F(EngineApi, DeepRecursionTrapsWithStackExhaustion) {
    auto r = call("recurse", {Value::i32(0)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, TrapCode::CallStackExhausted);
    // The context is usable afterwards.
    EXPECT_EQ(call("sum_to", {Value::i64(10)}).value()[0].as_i64(), 55);
}

TEST_F(EngineApi, ValueStackSuppliedByTheEmbedderBoundsRecursion) {
    std::vector<uint64_t> small(4096); // 32 KiB instead of the default 8 MiB
    ExecutionContext::Options options;
    options.value_stack = small;
    auto pooled = ExecutionContext::create(options);
    const Function* sum_to = instance->exported_function("sum_to");
    auto ok = sum_to->call(*pooled, std::vector{Value::i64(100)});
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok.value()[0].as_i64(), 5050);
    // The recursion runs out of this small stack long before the native stack.
    auto deep = instance->exported_function("recurse")->call(*pooled, std::vector{Value::i32(0)});
    ASSERT_FALSE(deep);
    EXPECT_EQ(deep.error().code, TrapCode::CallStackExhausted);
    // One reduction per call: a few hundred frames fit in 32 KiB, not tens of thousands.
    EXPECT_LT(pooled->reductions(), 5000u);
}

TEST_F(EngineApi, ReductionHookRunsPeriodicallyAndCanStop) {
    int slices = 0;
    context->set_reduction_hook(1000, [&](ExecutionContext& ex) {
        ++slices;
        if (slices < 5) return HookAction::Continue;
        ex.set_stop_reason("out of fuel");
        return HookAction::Stop;
    });
    auto r = call("spin");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, TrapCode::Interrupted);
    EXPECT_EQ(r.error().message, "out of fuel");
    EXPECT_EQ(slices, 5);
    EXPECT_GE(context->reductions(), 5000u);
}

TEST_F(EngineApi, ReductionsCountLoopIterations) {
    int slices = 0;
    context->set_reduction_hook(100, [&](ExecutionContext&) {
        ++slices;
        return HookAction::Continue;
    });
    ASSERT_EQ(call("sum_to", {Value::i64(10000)}).value()[0].as_i64(), 50005000);
    // 10,000 back-edges at 100 reductions a slice.
    EXPECT_GE(slices, 99);
    EXPECT_LE(slices, 102);
}

TEST_F(EngineApi, TrapBacktraceNamesFunctions) {
    auto r = call("recurse", {Value::i32(0)});
    ASSERT_FALSE(r);
    ASSERT_FALSE(r.error().backtrace.empty());
    EXPECT_EQ(r.error().backtrace.front().func_name, "recurse");
}

TEST_F(EngineApi, ModuleIsInstantiableManyTimesAndFromManyThreads) {
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            auto ex = ExecutionContext::create();
            for (int i = 0; i < 50; ++i) {
                auto inst = linker.instantiate(*ex, module);
                if (!inst) return;
                auto r = inst.value()->exported_function("sum_to")->call(
                    *ex, std::vector{Value::i64(100)});
                if (r && r.value()[0].as_i64() == 5050) ++ok;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(ok.load(), 200);
}

TEST_F(EngineApi, RedefiningAnImportReachesLaterInstancesOnly) {
    // Imports are resolved once per module and cached; define() must drop that cache.
    linker.func("host", "add", [](Caller&, int32_t a, int32_t b) { return a * b; });
    auto second = linker.instantiate(*context, module);
    ASSERT_TRUE(second) << second.error().to_string();
    const Value args[] = {Value::i32(6), Value::i32(7)};
    auto product = second.value()->exported_function("call_host_add")->call(*context, args);
    ASSERT_TRUE(product);
    EXPECT_EQ((*product)[0].as_i32(), 42);
    auto sum = call("call_host_add", {Value::i32(6), Value::i32(7)});
    ASSERT_TRUE(sum);
    EXPECT_EQ((*sum)[0].as_i32(), 13);
}

TEST_F(EngineApi, InstanceKeepsItsImportsAliveAfterTheLinkerIsGone) {
    std::shared_ptr<Instance> survivor;
    {
        Linker own;
        own.func("host", "add", [](Caller&, int32_t a, int32_t b) { return a - b; });
        own.func("host", "store_hello", [](Caller&, uint32_t) {});
        own.func("host", "fail", [](Caller&) {});
        auto i = own.instantiate(*context, module);
        ASSERT_TRUE(i) << i.error().to_string();
        survivor = i.value();
    }
    const Value args[] = {Value::i32(50), Value::i32(8)};
    auto r = survivor->exported_function("call_host_add")->call(*context, args);
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)[0].as_i32(), 42);
}

TEST(EngineLink, ForEachDefinitionListsEveryDefinitionWithItsType) {
    Linker linker;
    linker.func("env", "add", [](Caller&, int32_t a, int32_t b) { return a + b; });
    linker.func("env", "log", [](Caller&, int64_t) {});
    // Redefining replaces: still one definition under that name.
    linker.func("env", "log", [](Caller&, int64_t, int32_t) {});
    linker.func("other", "", [](Caller&) -> int64_t { return 0; });
    linker.define("env", "memory", Extern::of(Memory::create(MemoryType{Limits{1, 1}}).value()));

    std::map<std::string, std::string> seen; // "module::name" -> type
    linker.for_each_definition(
        [&](std::string_view module, std::string_view name, const Extern& value) {
            const std::string key = std::string(module) + "::" + std::string(name);
            EXPECT_FALSE(seen.contains(key)) << key << " visited twice";
            EXPECT_EQ(linker.find(module, name), &value) << key;
            seen[key] = value.kind == ExternKind::Func ? value.func->type().to_string()
                                                       : to_string(value.kind);
        });
    const std::map<std::string, std::string> expected = {
        {"env::add", FuncType{{ValType::I32, ValType::I32}, {ValType::I32}}.to_string()},
        {"env::log", FuncType{{ValType::I64, ValType::I32}, {}}.to_string()},
        {"env::memory", to_string(ExternKind::Memory)},
        {"other::", FuncType{{}, {ValType::I64}}.to_string()},
    };
    EXPECT_EQ(seen, expected);
}

TEST(EngineLink, MissingImportIsNamed) {
    auto m = Module::compile(read_testdata("engine_api.wasm"));
    ASSERT_TRUE(m);
    auto ex = ExecutionContext::create();
    Linker empty;
    auto i = empty.instantiate(*ex, m.value());
    ASSERT_FALSE(i);
    EXPECT_NE(i.error().message.find("host::add"), std::string::npos) << i.error().message;
}

TEST(EngineLink, SignatureMismatchIsRejected) {
    auto m = Module::compile(read_testdata("engine_api.wasm"));
    ASSERT_TRUE(m);
    auto ex = ExecutionContext::create();
    Linker linker;
    linker.func("host", "add", [](Caller&, int64_t a) { return a; });
    linker.func("host", "store_hello", [](Caller&, uint32_t) {});
    linker.func("host", "fail", [](Caller&) {});
    auto i = linker.instantiate(*ex, m.value());
    ASSERT_FALSE(i);
    EXPECT_NE(i.error().message.find("incompatible import type"), std::string::npos);
}

TEST(EngineCompile, RejectsGarbageWithOffset) {
    const uint8_t bad[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 0x0A, 0x05, 0x01};
    auto m = Module::compile(bad);
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().offset, Error::npos);
}

} // namespace

namespace {

// LLVM 19 writes call_indirect's table index as a padded 5-byte LEB (for relocation), and
// padded LEBs appear in other immediates too; both must be accepted.
TEST(EngineCompile, AcceptsPaddedLebImmediatesAsCompilersEmitThem) {
    const std::vector<uint8_t> bytes = {
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01,
        0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,                   // type 0: [] -> [i32]
        0x03, 0x03, 0x02, 0x00, 0x00,                         // two functions of type 0
        0x04, 0x04, 0x01, 0x70, 0x00, 0x01,                   // table: 1 funcref
        0x07, 0x07, 0x01, 0x03, 'r',  'u',  'n',  0x00, 0x01, // export "run" = func 1
        0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00, // elem: table[0] = func 0
        0x0A, 0x1A, 0x02,                                     // code, 2 bodies
        0x08, 0x00, 0x41, 0xAA, 0x80, 0x80, 0x80, 0x00, 0x0B, // func 0: i32.const 42 (padded)
        0x0F, 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x00,       // func 1: i32.const 0 (padded)
        0x11, 0x00, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0B,       //   call_indirect type 0, table 0
    };
    auto m = Module::compile(bytes);
    ASSERT_TRUE(m) << m.error().to_string();
    auto ex = ExecutionContext::create();
    Linker linker;
    auto inst = linker.instantiate(*ex, m.value());
    ASSERT_TRUE(inst) << inst.error().to_string();
    auto r = inst.value()->exported_function("run")->call(*ex, {});
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value()[0].as_i32(), 42);
}

} // namespace

namespace {

int32_t start_runs(const Instance& instance) {
    auto runs = instance.get_export("runs");
    EXPECT_TRUE(runs.has_value());
    return runs ? runs->global->get().as_i32() : -1;
}

} // namespace

TEST(StartFunction, RunsDuringInstantiationByDefault) {
    auto module = Module::compile(read_testdata("start_function.wasm"));
    ASSERT_TRUE(module) << module.error().to_string();
    auto context = ExecutionContext::create();
    auto instance = Linker().instantiate(*context, module.value());
    ASSERT_TRUE(instance) << instance.error().to_string();
    EXPECT_EQ(start_runs(*instance.value()), 1);
}

TEST(StartFunction, CanBeLeftToTheEmbedderAndKeepsItsBacktrace) {
    auto module = Module::compile(read_testdata("start_function.wasm"));
    ASSERT_TRUE(module) << module.error().to_string();
    auto context = ExecutionContext::create();
    InstantiateOptions options;
    options.run_start = false;
    auto instance = Linker().instantiate(*context, module.value(), options);
    ASSERT_TRUE(instance) << instance.error().to_string();
    EXPECT_EQ(start_runs(*instance.value()), 0);
    ASSERT_TRUE(instance.value()->run_start(*context));
    EXPECT_EQ(start_runs(*instance.value()), 1);
    auto second = instance.value()->run_start(*context); // traps on its second run
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, TrapCode::Unreachable);
    ASSERT_EQ(second.error().backtrace.size(), 1u);
    EXPECT_EQ(second.error().backtrace[0].func_name, "start");
}
