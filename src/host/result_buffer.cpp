#include "host/result_buffer.h"

#include "host/guest_memory.h"

#include <string>

namespace tycho::host {

namespace {

std::nullopt_t trap(wasm::Caller& caller, std::string_view function, const std::string& why) {
    caller.trap(std::string(function) + ": " + why);
    return std::nullopt;
}

} // namespace

std::optional<uint32_t> give_result_buffer(wasm::Caller& caller, std::string_view function,
                                           std::span<const uint8_t> bytes, uint32_t len_ptr) {
    const wasm::Instance* instance = caller.instance();
    const wasm::Function* alloc =
        instance != nullptr ? instance->exported_function("lunatic_alloc") : nullptr;
    if (alloc == nullptr)
        return trap(caller, function,
                    "the module exports no function 'lunatic_alloc' to receive the result");
    static const wasm::FuncType kAllocType{{wasm::ValType::I32}, {wasm::ValType::I32}};
    if (!(alloc->type() == kAllocType))
        return trap(caller, function,
                    "the module's 'lunatic_alloc' has type " + alloc->type().to_string() +
                        ", not [i32] -> [i32]");
    const uint64_t size = bytes.size();
    if (size > UINT32_MAX)
        return trap(caller, function,
                    "the result is " + std::to_string(size) +
                        " bytes, more than a 32-bit guest can receive");

    const wasm::Value args[] = {wasm::Value::i32(int32_t(uint32_t(size)))};
    auto result = alloc->call(caller.context(), args);
    if (!result) {
        // A kill, a linked failure, running out of fuel or proc_exit in the guest's code:
        // the process ends as it would have there.
        if (result.error().code == wasm::TrapCode::Interrupted) {
            caller.stop(std::move(result.error().message));
            return std::nullopt;
        }
        return trap(caller, function,
                    "lunatic_alloc(" + std::to_string(size) +
                        ") trapped: " + result.error().message);
    }
    const uint32_t ptr = uint32_t(result.value()[0].as_i32());

    // The guest may have grown (and so moved) its memory: look it up only now.
    GuestMemory memory(caller);
    const wasm::Memory* guest = memory.memory();
    if (guest != nullptr && (size > guest->size() || ptr > guest->size() - size))
        return trap(caller, function,
                    "lunatic_alloc(" + std::to_string(size) + ") returned " + std::to_string(ptr) +
                        ", but [" + std::to_string(ptr) + ", " + std::to_string(ptr + size) +
                        ") is outside the memory (" + std::to_string(guest->size()) + " bytes)");
    if (!memory.write(ptr, bytes) || !memory.store<uint64_t>(len_ptr, size)) return std::nullopt;
    return ptr;
}

} // namespace tycho::host
