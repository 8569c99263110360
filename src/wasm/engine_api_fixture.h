// The module of testdata/engine_api.wat instantiated with its host functions, for the tests
// of the embedding API and of the layouts behind it.
#pragma once

#include <tycho/wasm/engine.h>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace tycho::wasm {

inline std::vector<uint8_t> read_testdata(const char* name) {
    std::ifstream in(std::string(TYCHO_WASM_TESTDATA) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class EngineApi : public ::testing::Test {
  protected:
    void SetUp() override {
        auto m = Module::compile(read_testdata("engine_api.wasm"));
        ASSERT_TRUE(m) << m.error().to_string();
        module = m.value();
        linker.func("host", "add", [](Caller&, int32_t a, int32_t b) { return a + b; });
        linker.func("host", "store_hello", [](Caller& c, uint32_t ptr) {
            auto view = c.memory()->view(ptr, 5);
            if (view.empty()) return c.trap("store_hello: pointer out of bounds");
            std::memcpy(view.data(), "hello", 5);
        });
        linker.func("host", "fail", [](Caller& c) { c.trap("host said no"); });
        auto i = linker.instantiate(*context, module);
        ASSERT_TRUE(i) << i.error().to_string();
        instance = i.value();
    }

    Result<std::vector<Value>, Trap> call(const char* name, std::vector<Value> args = {}) {
        const Function* f = instance->exported_function(name);
        EXPECT_NE(f, nullptr) << name;
        return f->call(*context, args);
    }

    std::unique_ptr<ExecutionContext> context = ExecutionContext::create();
    Linker linker;
    std::shared_ptr<const Module> module;
    std::shared_ptr<Instance> instance;
};

} // namespace tycho::wasm
