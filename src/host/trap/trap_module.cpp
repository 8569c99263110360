// lunatic::trap (lunatic-abi.md §24): running guest code that may trap without dying.
#include "host/wasm_process.h"

namespace tycho::host {

void define_trap_module(wasm::Linker& linker) {
    linker.func("lunatic::trap", "catch",
                [](wasm::Caller& caller, int32_t function, int32_t pointer) -> int32_t {
                    WasmProcess& self = WasmProcess::of(caller);
                    const wasm::Function* handler =
                        self.instance()->exported_function("_lunatic_catch_trap");
                    if (handler == nullptr) {
                        caller.trap("lunatic::trap::catch: the module exports no function "
                                    "'_lunatic_catch_trap'");
                        return 0;
                    }
                    const wasm::FuncType expected{{wasm::ValType::I32, wasm::ValType::I32},
                                                  {wasm::ValType::I32}};
                    if (!(handler->type() == expected)) return 0;
                    const wasm::Value args[] = {wasm::Value::i32(function),
                                                wasm::Value::i32(pointer)};
                    auto result = handler->call(self.context(), args);
                    if (result) return result.value()[0].as_i32();
                    // A kill, a linked failure or proc_exit inside still ends the process.
                    if (self.dying() || self.exit_requested()) {
                        caller.stop(result.error().message);
                        return 0;
                    }
                    return 0;
                });
}

} // namespace tycho::host
