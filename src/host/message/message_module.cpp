// lunatic::message (lunatic-abi.md §10, §17): building, sending and receiving messages
// through the process's scratch slot. Resources in messages belong to the host module that
// owns their kind (push_module / take_module: process/modules.cpp; the sockets:
// networking/networking_module.cpp).
#include "host/guest_memory.h"
#include "host/message/scratch.h"
#include "host/timeouts.h"
#include "host/wasm_process.h"

#include <array>

namespace tycho::host {

namespace {

using runtime::Message;
using wasm::Caller;

constexpr int32_t kTimedOut = 9027;

Message* any_message(Caller& caller, const char* function) {
    return WasmProcess::of(caller).state<Scratch>().any_or_trap(caller, function);
}

Message* data_message(Caller& caller, const char* function) {
    return WasmProcess::of(caller).state<Scratch>().data_or_trap(caller, function);
}

void add_data(wasm::Linker& linker) {
    linker.func(
        "lunatic::message", "create_data", [](Caller& caller, int64_t tag, int64_t capacity) {
            const auto hint = std::min<uint64_t>(uint64_t(capacity), Message::kMaxCapacityHint);
            WasmProcess::of(caller).state<Scratch>().start(caller, tag, size_t(hint));
        });
    linker.func("lunatic::message", "write_data",
                [](Caller& caller, uint32_t ptr, uint32_t len) -> int32_t {
                    if (data_message(caller, "write_data") == nullptr) return 0;
                    GuestMemory memory(caller);
                    auto bytes = memory.read(ptr, len);
                    if (!bytes) return 0;
                    if (!WasmProcess::of(caller).state<Scratch>().append(caller, *bytes)) return 0;
                    return int32_t(len);
                });
    linker.func(
        "lunatic::message", "read_data", [](Caller& caller, uint32_t ptr, uint32_t len) -> int32_t {
            Message* message = data_message(caller, "read_data");
            if (message == nullptr) return 0;
            GuestMemory memory(caller);
            auto out = memory.bytes(ptr, len);
            if (!out) return 0;
            auto count = message->read(*out);
            if (!count) {
                caller.trap("lunatic::message::read_data: read position " +
                            std::to_string(message->read_position) + " is past the end of the " +
                            std::to_string(message->buffer.size()) + "-byte message");
                return 0;
            }
            return int32_t(*count);
        });
    linker.func("lunatic::message", "seek_data", [](Caller& caller, int64_t index) {
        if (Message* message = data_message(caller, "seek_data"))
            message->read_position = uint64_t(index);
    });
    linker.func("lunatic::message", "get_tag", [](Caller& caller) -> int64_t {
        Message* message = any_message(caller, "get_tag");
        return message ? message->tag : 0;
    });
    linker.func("lunatic::message", "get_process_id", [](Caller& caller) -> int64_t {
        Message* message = any_message(caller, "get_process_id");
        return message ? int64_t(message->process_id) : 0;
    });
    linker.func("lunatic::message", "data_size", [](Caller& caller) -> int64_t {
        Message* message = data_message(caller, "data_size");
        return message ? int64_t(message->buffer.size()) : 0;
    });
}

// The waiting half of receive and send_receive_skip_search: on success the message goes
// to the scratch slot and the result is `ready_code(message)`; 9027 on timeout (slot
// unchanged); a kill or linked failure unwinds the caller.
template <class ReadyCode>
int32_t receive_into_scratch(Caller& caller, WasmProcess& self, std::span<const int64_t> tags,
                             int64_t timeout, runtime::Mailbox::Mark since, ReadyCode ready_code) {
    // The message goes straight into the slot, which only a ready outcome changes.
    Scratch& scratch = self.state<Scratch>();
    switch (self.receive(tags, timeout_deadline(timeout), scratch.message, since)) {
    case runtime::Process::WaitOutcome::ready:
        scratch.received();
        return scratch.message ? ready_code(*scratch.message) : 0;
    case runtime::Process::WaitOutcome::timed_out: return kTimedOut;
    case runtime::Process::WaitOutcome::dying: caller.stop(self.dying_cause()); return 0;
    }
    return 0;
}

// Receive filters longer than this are copied to the heap; shorter ones stay on the stack.
constexpr uint32_t kInlineTags = 16;

void add_transfer(wasm::Linker& linker) {
    linker.func("lunatic::message", "send", [](Caller& caller, int64_t process_id) -> int32_t {
        WasmProcess& self = WasmProcess::of(caller);
        if (any_message(caller, "send") == nullptr) return 0;
        self.state<Scratch>().send_to(uint64_t(process_id));
        return 0;
    });
    linker.func(
        "lunatic::message", "send_receive_skip_search",
        [](Caller& caller, int64_t process_id, int64_t wait_on_tag, int64_t timeout) -> int32_t {
            WasmProcess& self = WasmProcess::of(caller);
            if (any_message(caller, "send_receive_skip_search") == nullptr) return 0;
            const auto since = self.mailbox_mark();
            self.state<Scratch>().send_to(uint64_t(process_id));
            // A one-element filter: a 0 tag matches nothing (§10.7).
            const int64_t tags[] = {wait_on_tag};
            return receive_into_scratch(caller, self, tags, timeout, since,
                                        [](const Message&) { return 0; });
        });
    linker.func("lunatic::message", "receive",
                [](Caller& caller, uint32_t tag_ptr, uint32_t tag_len, int64_t timeout) -> int32_t {
                    WasmProcess& self = WasmProcess::of(caller);
                    // Guest memory need not be 8-byte aligned: the tags are copied out.
                    std::array<int64_t, kInlineTags> inline_tags;
                    std::vector<int64_t> heap_tags;
                    std::span<int64_t> tags;
                    if (tag_len > 0) {
                        GuestMemory memory(caller);
                        auto bytes = memory.read(tag_ptr, uint64_t(tag_len) * 8);
                        if (!bytes) return 0;
                        if (tag_len <= kInlineTags) {
                            tags = std::span(inline_tags).first(tag_len);
                        } else {
                            heap_tags.resize(tag_len);
                            tags = heap_tags;
                        }
                        std::memcpy(tags.data(), bytes->data(), bytes->size());
                    }
                    return receive_into_scratch(caller, self, tags, timeout, {},
                                                [](const Message& m) { return int32_t(m.kind); });
                });
}

} // namespace

void define_message_module(wasm::Linker& linker) {
    add_data(linker);
    add_transfer(linker);
}

} // namespace tycho::host
