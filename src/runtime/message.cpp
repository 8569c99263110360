#include "runtime/message.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

namespace tycho::runtime {

Message Message::data(int64_t tag, size_t capacity_hint) {
    Message m;
    m.tag = tag;
    m.buffer.reserve(std::min(capacity_hint, kMaxCapacityHint));
    return m;
}

Message Message::link_died(int64_t tag) {
    Message m;
    m.kind = MessageKind::link_died;
    m.tag = tag;
    return m;
}

Message Message::process_died(uint64_t process_id) {
    Message m;
    m.kind = MessageKind::process_died;
    m.process_id = process_id;
    return m;
}

bool Message::matches(std::span<const int64_t> tags) const {
    if (tags.empty()) return true;
    if (tag == 0 || kind == MessageKind::process_died) return false;
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

void Message::append(std::span<const uint8_t> bytes) {
    buffer.insert(buffer.end(), bytes.begin(), bytes.end());
}

std::optional<size_t> Message::read(std::span<uint8_t> out) {
    if (read_position > buffer.size()) return std::nullopt;
    const size_t count = std::min(out.size(), buffer.size() - static_cast<size_t>(read_position));
    if (count != 0) std::memcpy(out.data(), buffer.data() + read_position, count);
    read_position += count;
    return count;
}

uint64_t Message::push_resource(const ResourceKind& resource_kind, std::shared_ptr<void> object) {
    assert(kind == MessageKind::data && object != nullptr);
    resources.push_back(ResourceSlot{&resource_kind, std::move(object)});
    return resources.size() - 1;
}

TakenResource Message::take_resource(uint64_t index, const ResourceKind& resource_kind) {
    if (index >= resources.size()) return {nullptr, TakeError::out_of_range};
    ResourceSlot& slot = resources[index];
    if (slot.object == nullptr) return {nullptr, TakeError::already_taken};
    if (slot.kind != &resource_kind) return {nullptr, TakeError::wrong_kind};
    return {std::move(slot.object), TakeError::none};
}

} // namespace tycho::runtime
