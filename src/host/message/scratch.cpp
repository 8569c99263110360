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

Scratch::~Scratch() {
    release_charge();
}

void Scratch::release_charge() {
    process_.memory_account().release(charged_);
    charged_ = 0;
}

bool Scratch::start(wasm::Caller& caller, int64_t tag, size_t capacity) {
    release_charge();
    message.reset();
    if (!process_.memory_account().try_charge(capacity)) {
        caller.trap("lunatic::message::create_data: " + process_.memory_account().refusal());
        return false;
    }
    charged_ = capacity;
    message = runtime::Message::data(tag, capacity);
    return true;
}

bool Scratch::append(wasm::Caller& caller, std::span<const uint8_t> bytes) {
    if (!message) return false; // callers check first; nothing to append to
    // The buffer's size is what is charged beyond the reserved capacity.
    const uint64_t wanted = message->buffer.size() + bytes.size();
    if (wanted > charged_) {
        if (!process_.memory_account().try_charge(wanted - charged_)) {
            caller.trap("lunatic::message::write_data: " + process_.memory_account().refusal());
            return false;
        }
        charged_ = wanted;
    }
    message->append(bytes);
    return true;
}

void Scratch::send_to(runtime::ProcessId to) {
    if (!message) return;
    process_.send(to, std::move(*message));
    message.reset();
    release_charge();
}

runtime::Message Scratch::take() {
    runtime::Message taken;
    if (message) taken = std::move(*message);
    message.reset();
    release_charge();
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
