// A message as the lunatic ABI defines it (docs: lunatic-abi.md §10): one of three kinds, an
// optional tag, a byte buffer with a read position and an ordered list of resource slots.
// Messages are move-only: exactly one process (or the signal queue between two) owns each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace tycho::runtime {

// The values are the codes `message::receive` returns for each kind.
enum class MessageKind : uint8_t { data = 0, link_died = 1, process_died = 2 };

// What kind of host object a resource slot holds (§10.4: modules, sockets, ...). The
// runtime never looks inside: the host module that owns a kind defines one ResourceKind
// object for it, and slots compare kinds by address.
struct ResourceKind {
    const char* name; // for error messages
};

// Outcome of Message::take_resource(); every error case is a trap in the host function.
enum class TakeError : uint8_t { none, out_of_range, already_taken, wrong_kind };

struct [[nodiscard]] TakenResource {
    std::shared_ptr<void> object; // non-null exactly when error == none
    TakeError error = TakeError::none;

    bool ok() const { return error == TakeError::none; }
};

// One entry of a message's resource list. This is where host objects travel between
// processes: the object is type-erased and the host module that owns `kind` casts it back
// (a module is shared, a socket entry is one reference to a shared connection). A null
// object means the slot has been taken; the other indices keep their meaning.
struct ResourceSlot {
    const ResourceKind* kind;
    std::shared_ptr<void> object;
};

struct Message {
    // Pre-allocation requested through create_data's capacity hint is capped here: the hint is
    // guest-controlled and only an optimisation (§10.3).
    static constexpr size_t kMaxCapacityHint = size_t{64} * 1024;

    static Message data(int64_t tag, size_t capacity_hint = 0);
    static Message link_died(int64_t tag);
    static Message process_died(uint64_t process_id);

    Message() = default; // an empty, untagged data message
    Message(Message&&) noexcept = default;
    Message& operator=(Message&&) noexcept = default;
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;
    ~Message() = default;

    MessageKind kind = MessageKind::data;
    int64_t tag = 0;         // 0 = untagged; the link's tag for link_died; 0 for process_died
    uint64_t process_id = 0; // process_died: the process that ended; 0 otherwise
    std::vector<uint8_t> buffer;
    uint64_t read_position = 0; // set without checks by seek_data, so it may be past the end
    std::vector<ResourceSlot> resources;

    // Selective-receive filter (§10.6): an empty list accepts any message; otherwise the tag
    // must be non-zero and listed. Process-died messages never pass a non-empty filter.
    bool matches(std::span<const int64_t> tags) const;

    // Appends at the end of the buffer, whatever the read position.
    void append(std::span<const uint8_t> bytes);
    // Copies min(out.size(), remaining) bytes from the read position and advances it; returns
    // the count (0 at the end), or nullopt when the read position is past the end (a trap).
    std::optional<size_t> read(std::span<uint8_t> out);

    // Appends a (non-null) resource and returns its index, shared by all kinds in push order.
    // Only data messages carry resources; the host checks the kind before calling.
    uint64_t push_resource(const ResourceKind& kind, std::shared_ptr<void> object);
    // Empties slot `index` and hands out its object if it holds `kind`. On wrong_kind the
    // object stays in the message.
    TakenResource take_resource(uint64_t index, const ResourceKind& kind);
};

} // namespace tycho::runtime
