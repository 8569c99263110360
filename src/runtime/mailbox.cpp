#include "runtime/mailbox.h"

#include <algorithm>

namespace tycho::runtime {

void Mailbox::deliver(Message message) {
    messages_.push_back(Entry{next_arrival_++, std::move(message)});
}

std::optional<Message> Mailbox::take_first(std::span<const int64_t> tags, Mark since) {
    // Arrival numbers only grow along the deque, so the first candidate is found by bisection
    // (skipped in the common case of a mark at or before the oldest message).
    auto it = messages_.begin();
    if (it != messages_.end() && it->arrival < since.arrival) {
        it = std::partition_point(it, messages_.end(),
                                  [&](const Entry& e) { return e.arrival < since.arrival; });
    }
    it = std::find_if(it, messages_.end(), [&](const Entry& e) { return e.message.matches(tags); });
    if (it == messages_.end()) return std::nullopt;
    Message taken = std::move(it->message);
    messages_.erase(it);
    return taken;
}

void Mailbox::close() {
    signals_.close();
    messages_.clear();
    batch_.clear();
}

} // namespace tycho::runtime
