// The receive side of one process (lunatic-abi.md §6, §10.6-10.8): its signal queue, which
// any thread may push into, and the arrival-ordered mailbox, which only the process itself
// (whichever thread runs it at the moment) reads. Messages become visible to take_first()
// only once drain() has moved them from the signal queue into the mailbox.
#pragma once

#include "runtime/message.h"
#include "runtime/signal_queue.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace tycho::runtime {

// A point in a mailbox's arrival order. Every message that enters the mailbox after mark()
// was taken, including those still in the signal queue at that moment, is "after" the mark.
struct MailboxMark {
    uint64_t arrival = 0; // the default mark is before every message
};

class Mailbox {
  public:
    using Mark = MailboxMark;

    Mailbox() = default;
    ~Mailbox();
    Mailbox(const Mailbox&) = delete;
    Mailbox& operator=(const Mailbox&) = delete;

    // ---- Any thread ---------------------------------------------------------------------
    // See SignalQueue for the wake-up handshake these two take part in.
    bool push(Signal&& signal) { return signals_.push(std::move(signal)); }
    bool notify() { return signals_.notify(); }

    // ---- The consumer only -----------------------------------------------------------------
    // Moves every queued signal out of the signal queue in FIFO order: messages are appended
    // to the mailbox, every other signal is passed to `on_control(Signal&&)`, which may call
    // deliver() (e.g. to turn a link death into a link-died message at its queue position)
    // but not drain(), and must not throw. Returns the number of signals handled.
    template <class OnControl> size_t drain(OnControl&& on_control);

    // Appends a message directly to the mailbox, bypassing the signal queue.
    void deliver(Message&& message);

    Mark mark() const { return Mark{next_arrival_}; }

    // Removes and returns the oldest message that arrived at or after `since` and passes the
    // filter (Message::matches: empty = anything). The others stay in arrival order.
    //   receive(tags):                  take_first(tags)
    //   send_receive_skip_search(tag):  Mark m = mark(); send...; then take_first({tag}, m)
    // A receive that waits may also pass, on its next attempt, a mark taken just before its
    // previous attempt: the messages before it were already rejected by the same filter.
    std::optional<Message> take_first(std::span<const int64_t> tags, Mark since = {});

    // The handshake's consumer step; call after the last drain()/take_first() came up empty.
    bool prepare_wait() { return signals_.prepare_wait(); }
    bool cancel_wait() { return signals_.cancel_wait(); }
    bool has_signals() const { return signals_.has_signals(); }

    size_t size() const { return overflow_ ? overflow_->size() : count_; }
    bool empty() const { return size() == 0; }

    // The process ended: discards the mailbox and the queue, and drops all later signals.
    void close();

  private:
    struct Entry {
        uint64_t arrival;
        Message message;
    };
    // The messages live in a ring of capacity_ slots (a power of two, or 0 and no storage
    // before the first message): count_ of them in arrival order, the oldest at
    // slots_[head_]. Only those slots hold constructed entries. An empty mailbox keeps up
    // to kKeptCapacity slots; a bigger ring shrinks as it empties and is freed once empty.
    //
    // A message that finds the ring full at kMaxRing moves all of them to overflow_, where
    // they stay until it is empty again: a deque grows in small blocks that the allocator
    // recycles, where a ring would take a fresh (and page-faulting) mapping at every doubling.
    // Exactly one of the two holds messages at any time.
    static constexpr size_t kMinCapacity = 4;
    static constexpr size_t kKeptCapacity = 8;
    static constexpr size_t kMaxRing = 1024; // 88 KiB, below glibc's default mmap threshold
    Entry& at(size_t index) { return slots_[(head_ + index) & (capacity_ - 1)]; }
    void resize(size_t capacity);  // moves the messages to a ring of `capacity` >= count_
    void remove(size_t index);     // closes the gap left by a taken message
    void clear();                  // destroys every message and frees the storage
    void spill(Message&& message); // moves the full ring to overflow_ and appends `message`

    SignalQueue signals_;
    Entry* slots_ = nullptr;
    size_t capacity_ = 0;
    size_t head_ = 0;
    size_t count_ = 0;
    std::unique_ptr<std::deque<Entry>> overflow_; // non-empty whenever it exists
    uint64_t next_arrival_ = 0;
};

template <class OnControl> size_t Mailbox::drain(OnControl&& on_control) {
    if (!signals_.has_signals()) return 0;
    return signals_.take_each([&](Signal&& signal) {
        if (Message* message = std::get_if<Message>(&signal)) {
            deliver(std::move(*message));
        } else {
            on_control(std::move(signal));
        }
    });
}

} // namespace tycho::runtime
