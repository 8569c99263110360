#include "spectest_host.h"

#include <cstdio>
#include <memory>

namespace tycho::spec {

using namespace tycho::wasm;

Result<void, std::string> define_spectest(Linker& linker, bool verbose) {
    const std::string m = "spectest";

    // Every print function discards its arguments unless the run is verbose.
    linker.func(m, "print", [verbose](Caller&) {
        if (verbose) std::printf("spectest.print\n");
    });
    linker.func(m, "print_i32", [verbose](Caller&, int32_t v) {
        if (verbose) std::printf("spectest.print_i32: %d\n", v);
    });
    linker.func(m, "print_i64", [verbose](Caller&, int64_t v) {
        if (verbose) std::printf("spectest.print_i64: %lld\n", static_cast<long long>(v));
    });
    linker.func(m, "print_f32", [verbose](Caller&, float v) {
        if (verbose) std::printf("spectest.print_f32: %g\n", double(v));
    });
    linker.func(m, "print_f64", [verbose](Caller&, double v) {
        if (verbose) std::printf("spectest.print_f64: %g\n", v);
    });
    linker.func(m, "print_i32_f32", [verbose](Caller&, int32_t a, float b) {
        if (verbose) std::printf("spectest.print_i32_f32: %d %g\n", a, double(b));
    });
    linker.func(m, "print_f64_f64", [verbose](Caller&, double a, double b) {
        if (verbose) std::printf("spectest.print_f64_f64: %g %g\n", a, b);
    });

    auto global = [&](const char* name, ValType type, Value value) {
        linker.define(m, name,
                      Extern::of(std::make_shared<Global>(GlobalType{type, false}, value)));
    };
    global("global_i32", ValType::I32, Value::i32(666));
    global("global_i64", ValType::I64, Value::i64(666));
    global("global_f32", ValType::F32, Value::f32(666.6f));
    global("global_f64", ValType::F64, Value::f64(666.6));

    auto table = Table::create(TableType{ValType::FuncRef, Limits{10, 20}});
    if (!table) return "cannot create spectest.table: " + table.error().message;
    linker.define(m, "table", Extern::of(std::move(table.value())));

    auto memory = Memory::create(MemoryType{Limits{1, 2}});
    if (!memory) return "cannot create spectest.memory: " + memory.error().message;
    linker.define(m, "memory", Extern::of(std::move(memory.value())));
    return {};
}

} // namespace tycho::spec
