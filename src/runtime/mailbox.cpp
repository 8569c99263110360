#include "runtime/mailbox.h"

#include <memory>
#include <new>
#include <utility>

namespace tycho::runtime {

namespace {

// The position of the oldest of `count` entries (in arrival order, `entry(i)` the i-th) that
// arrived at or after `since` and passes `tags`; `count` if there is none.
template <class EntryAt>
size_t first_match(size_t count, EntryAt entry, std::span<const int64_t> tags, uint64_t since) {
    // Arrival numbers only grow along the entries, so the first candidate is found by
    // bisection (skipped in the common case of a mark at or before the oldest message).
    size_t index = 0;
    if (count != 0 && entry(0).arrival < since) {
        size_t end = count;
        while (index < end) {
            const size_t middle = index + (end - index) / 2;
            if (entry(middle).arrival < since)
                index = middle + 1;
            else
                end = middle;
        }
    }
    while (index < count && !entry(index).message.matches(tags))
        ++index;
    return index;
}

} // namespace

Mailbox::~Mailbox() {
    clear();
}

void Mailbox::deliver(Message&& message) {
    if (overflow_) {
        overflow_->push_back(Entry{next_arrival_++, std::move(message)});
        return;
    }
    if (count_ == capacity_) {
        if (capacity_ == kMaxRing) return spill(std::move(message));
        resize(capacity_ == 0 ? kMinCapacity : capacity_ * 2);
    }
    ::new (static_cast<void*>(&at(count_))) Entry{next_arrival_++, std::move(message)};
    ++count_;
}

void Mailbox::spill(Message&& message) {
    overflow_ = std::make_unique<std::deque<Entry>>();
    for (size_t i = 0; i < count_; ++i)
        overflow_->push_back(std::move(at(i)));
    clear();
    overflow_->push_back(Entry{next_arrival_++, std::move(message)});
}

std::optional<Message> Mailbox::take_first(std::span<const int64_t> tags, Mark since) {
    if (overflow_) {
        std::deque<Entry>& entries = *overflow_;
        const size_t index = first_match(
            entries.size(), [&](size_t i) -> Entry& { return entries[i]; }, tags, since.arrival);
        if (index == entries.size()) return std::nullopt;
        Message taken = std::move(entries[index].message);
        entries.erase(entries.begin() + std::ptrdiff_t(index));
        if (entries.empty()) overflow_.reset();
        return taken;
    }
    const size_t index =
        first_match(count_, [&](size_t i) -> Entry& { return at(i); }, tags, since.arrival);
    if (index == count_) return std::nullopt;
    std::optional<Message> taken(std::in_place, std::move(at(index).message));
    remove(index);
    return taken;
}

void Mailbox::remove(size_t index) {
    // Shifts whichever side of the gap is shorter, then ends the slot that side vacated.
    if (index < count_ / 2) {
        for (size_t i = index; i > 0; --i)
            at(i) = std::move(at(i - 1));
        std::destroy_at(&at(0));
        head_ = (head_ + 1) & (capacity_ - 1);
    } else {
        for (size_t i = index; i + 1 < count_; ++i)
            at(i) = std::move(at(i + 1));
        std::destroy_at(&at(count_ - 1));
    }
    --count_;
    if (capacity_ > kKeptCapacity && count_ <= capacity_ / 4)
        resize(count_ == 0 ? 0 : capacity_ / 2);
}

void Mailbox::resize(size_t capacity) {
    std::allocator<Entry> allocator;
    Entry* slots = capacity == 0 ? nullptr : allocator.allocate(capacity);
    for (size_t i = 0; i < count_; ++i) {
        Entry& entry = at(i);
        ::new (static_cast<void*>(slots + i)) Entry{entry.arrival, std::move(entry.message)};
        std::destroy_at(&entry);
    }
    if (slots_ != nullptr) allocator.deallocate(slots_, capacity_);
    slots_ = slots;
    capacity_ = capacity;
    head_ = 0;
}

void Mailbox::clear() {
    for (size_t i = 0; i < count_; ++i)
        std::destroy_at(&at(i));
    count_ = 0;
    resize(0);
}

void Mailbox::close() {
    signals_.close();
    overflow_.reset();
    clear();
}

} // namespace tycho::runtime
