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

    // ---- Any thread ---------------------------------------------------------------------
    // See SignalQueue for the wake-up handshake these two take part in.
    bool push(Signal signal) { return signals_.push(std::move(signal)); }
    bool notify() { return signals_.notify(); }

    // ---- The consumer only -----------------------------------------------------------------
    // Moves every queued signal out of the signal queue in FIFO order: messages are appended
    // to the mailbox, every other signal is passed to `on_control(Signal&&)`, which may call
    // deliver() (e.g. to turn a link death into a link-died message at its queue position)
    // but not drain(), and must not throw. Returns the number of signals handled.
    template <class OnControl> size_t drain(OnControl&& on_control);

    // Appends a message directly to the mailbox, bypassing the signal queue.
    void deliver(Message message);

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

    size_t size() const { return messages_.size(); }
    bool empty() const { return messages_.empty(); }

    // The process ended: discards the mailbox and the queue, and drops all later signals.
    void close();

  private:
    struct Entry {
        uint64_t arrival;
        Message message;
    };

    SignalQueue signals_;
    std::vector<Signal> batch_; // drain()'s buffer, kept for its capacity
    std::deque<Entry> messages_;
    uint64_t next_arrival_ = 0;
};

template <class OnControl> size_t Mailbox::drain(OnControl&& on_control) {
    if (!signals_.has_signals()) return 0;
    signals_.take_all(batch_);
    const size_t count = batch_.size();
    for (Signal& signal : batch_) {
        if (Message* message = std::get_if<Message>(&signal)) {
            deliver(std::move(*message));
        } else {
            on_control(std::move(signal));
        }
    }
    batch_.clear();
    return count;
}

} // namespace tycho::runtime
