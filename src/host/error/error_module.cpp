// lunatic::error (lunatic-abi.md §21): the texts behind error ids.
#include "host/error/errors.h"
#include "host/guest_memory.h"
#include "host/wasm_process.h"

namespace tycho::host {

ErrorTable::ErrorTable(WasmProcess& process) : texts(process.memory_account()) {}

std::optional<uint64_t> add_error(wasm::Caller& caller, const char* function, WasmProcess& process,
                                  std::string text) {
    const uint64_t heap_bytes = text.capacity();
    return process.state<ErrorTable>().texts.insert(caller, function, std::move(text), heap_bytes);
}

namespace {
std::string* error_or_trap(wasm::Caller& caller, const char* function, int64_t id) {
    ErrorTable* errors = WasmProcess::of(caller).find_state<ErrorTable>();
    std::string* text = errors ? errors->texts.find(uint64_t(id)) : nullptr;
    if (text == nullptr)
        caller.trap(std::string("lunatic::error::") + function + ": unknown error id " +
                    std::to_string(id));
    return text;
}
} // namespace

void define_error_module(wasm::Linker& linker) {
    linker.func("lunatic::error", "string_size", [](wasm::Caller& caller, int64_t id) -> int32_t {
        std::string* text = error_or_trap(caller, "string_size", id);
        return text ? int32_t(text->size()) : 0;
    });
    linker.func("lunatic::error", "to_string", [](wasm::Caller& caller, int64_t id, uint32_t ptr) {
        if (std::string* text = error_or_trap(caller, "to_string", id)) {
            GuestMemory memory(caller);
            memory.write(ptr, *text);
        }
    });
    linker.func("lunatic::error", "drop", [](wasm::Caller& caller, int64_t id) {
        if (error_or_trap(caller, "drop", id))
            WasmProcess::of(caller).state<ErrorTable>().texts.erase(uint64_t(id));
    });
}

} // namespace tycho::host
