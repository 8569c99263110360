#include "host/message/scratch.h"

#include "host/wasm_process.h"

namespace tycho::host {

runtime::Message* Scratch::any_or_trap(wasm::Caller& caller, const char* function) {
    if (!message) {
        caller.trap(std::string("lunatic::message::") + function +
                    ": no message in the scratch slot");
        return nullptr;
    }
    return &*message;
}

runtime::Message* Scratch::data_or_trap(wasm::Caller& caller, const char* function) {
    runtime::Message* held = any_or_trap(caller, function);
    if (held != nullptr && held->kind != runtime::MessageKind::data) {
        caller.trap(std::string("lunatic::message::") + function +
                    ": the message in the scratch slot is not a data message");
        return nullptr;
    }
    return held;
}

void Scratch::send_to(runtime::ProcessId to) {
    if (!message) return;
    process_.send(to, std::move(*message));
    message.reset();
}

runtime::Message Scratch::take() {
    runtime::Message taken;
    if (message) taken = std::move(*message);
    message.reset();
    return taken;
}

namespace {

const char* take_error_text(runtime::TakeError error) {
    switch (error) {
    case runtime::TakeError::out_of_range: return "is out of range";
    case runtime::TakeError::already_taken: return "was already taken";
    case runtime::TakeError::wrong_kind: return "holds another kind of resource";
    case runtime::TakeError::none: break;
    }
    return "";
}

} // namespace

std::shared_ptr<void> take_resource_or_trap(wasm::Caller& caller, const char* function,
                                            int64_t index, const runtime::ResourceKind& kind) {
    runtime::Message* message =
        WasmProcess::of(caller).state<Scratch>().data_or_trap(caller, function);
    if (message == nullptr) return nullptr;
    auto taken = message->take_resource(uint64_t(index), kind);
    if (!taken.ok()) {
        caller.trap(std::string("lunatic::message::") + function + ": resource " +
                    std::to_string(index) + " " + take_error_text(taken.error));
        return nullptr;
    }
    return std::move(taken.object);
}

} // namespace tycho::host
