// The per-process signal queue (lunatic-abi.md §6): the single FIFO through which other
// processes, timers and the process itself reach a process, plus the wake-up handshake that
// lets the scheduler park a process without losing a signal.
#pragma once

#include "runtime/message.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace tycho::runtime {

enum class DeathReason : uint8_t { normal, failure, no_such_process };

// Signals other than messages. They are plain data here; acting on them is the process
// logic's job (§7). `process` is always the other process involved.
struct LinkSignal { // `process` linked itself to the receiver: record (process, tag)
    uint64_t process = 0;
    int64_t tag = 0;
};
struct UnlinkSignal { // forget the link with `process`
    uint64_t process = 0;
};
struct MonitorSignal { // `process` starts monitoring the receiver
    uint64_t process = 0;
};
struct StopMonitoringSignal { // `process` stops monitoring the receiver
    uint64_t process = 0;
};
struct KillSignal {};
struct LinkDiedSignal { // the linked `process` ended; `tag` is the one stored for the link
    uint64_t process = 0;
    int64_t tag = 0;
    DeathReason reason = DeathReason::failure;
};
struct DieWhenLinkDiesSignal { // a process changing its own setting, applied in queue order
    bool enabled = true;
};

// A monitored process's death needs no signal of its own: it arrives as a process-died
// Message. The alternatives are in SignalKind order.
using Signal = std::variant<Message, LinkSignal, UnlinkSignal, MonitorSignal, StopMonitoringSignal,
                            KillSignal, LinkDiedSignal, DieWhenLinkDiesSignal>;

enum class SignalKind : uint8_t {
    message,
    link,
    unlink,
    monitor,
    stop_monitoring,
    kill,
    link_died,
    die_when_link_dies,
};

inline SignalKind signal_kind(const Signal& signal) {
    return static_cast<SignalKind>(signal.index());
}

static_assert(std::variant_size_v<Signal> == 8);
static_assert(
    std::is_same_v<std::variant_alternative_t<size_t(SignalKind::kill), Signal>, KillSignal>);
static_assert(
    std::is_same_v<std::variant_alternative_t<size_t(SignalKind::die_when_link_dies), Signal>,
                   DieWhenLinkDiesSignal>);

// Multi-producer, single-consumer FIFO of signals, without locks: producers push nodes
// onto an atomic stack with one compare-and-swap each, and the consumer takes the whole
// stack in one step and reverses it. So producers never wait for each other or for the
// consumer (many senders to one process contend on one cache line, not on a mutex).
// Signals pushed by one thread come out in push order; nothing pushed is lost unless the
// queue is closed.
//
// Wake-up handshake (no lost wake-ups, exactly one wake-up per wait):
//
//   consumer:   for (;;) {
//                   take everything queued; if what it waits for is there: done;
//                   if (!queue.prepare_wait()) continue;   // signals arrived: look again
//                   suspend until scheduled;
//               }
//   producer:   if (queue.push(signal)) schedule(consumer);
//   timer etc.: if (queue.notify()) schedule(consumer);
//
// The stack's head word holds the state: empty, empty-and-waiting, closed, or the newest
// node. prepare_wait() turns "empty" into "waiting" in one compare-and-swap, so it fails
// if anything is queued. While the head says "waiting", the first push() (which replaces
// it with its node) or notify() (which turns it back to "empty") returns true, every other
// call false. So a signal pushed after the consumer's last look is either seen by
// prepare_wait() or wakes the consumer, and each wait is ended by exactly one caller.
// That caller may get `true` before the consumer has actually suspended; the scheduler must
// not resume the consumer before its suspension has completed. A consumer that resumes
// without such a wake-up (its scheduler's wait returned early, or a timeout woke it
// directly) calls cancel_wait() before running on.
class SignalQueue {
  public:
    SignalQueue() = default;
    ~SignalQueue();
    SignalQueue(const SignalQueue&) = delete;
    SignalQueue& operator=(const SignalQueue&) = delete;

    // Any thread. Queues `signal`; true when the caller must schedule the consumer. After
    // close() the signal is dropped (with any resources) and the result is false.
    bool push(Signal&& signal);
    // Any thread. Ends a pending wait without a signal (e.g. a receive timeout); true when
    // the caller must schedule the consumer.
    bool notify();

    // Consumer only. Takes every queued signal and passes each, in order, to
    // `each(Signal&&)`, which must not throw; returns how many there were. Nothing is
    // buffered in between, so a burst leaves no memory behind.
    template <class Each> size_t take_each(Each&& each);
    // Consumer only. Cheap hint: false means nothing was queued a moment ago.
    bool has_signals() const { return holds_nodes(head_.load(std::memory_order_acquire)); }
    // Consumer only. See the handshake above: true = suspend now, false = look again.
    bool prepare_wait();
    // Consumer only. Withdraws the waiting mark; true if it was still set, false if a push()
    // or notify() had already claimed the wake-up (so that wake-up may still arrive).
    bool cancel_wait();

    // Any thread. Drops all queued signals and every later push; ends a pending wait without
    // reporting a wake-up. Used when the process ends (§7.1: queued messages are discarded).
    void close();

  private:
    struct Node {
        Signal signal;
        Node* next;
    };
    // Values of head_ other than a queued node: nullptr (empty), or one of these two,
    // whose addresses only serve as markers.
    static Node waiting_;
    static Node closed_;
    static bool holds_nodes(const Node* head) {
        return head != nullptr && head != &waiting_ && head != &closed_;
    }
    static void destroy(Node* chain);
    // Takes the whole stack (nullptr if nothing is queued) and returns it oldest first.
    Node* take_oldest_first();

    std::atomic<Node*> head_{nullptr};
};

template <class Each> size_t SignalQueue::take_each(Each&& each) {
    size_t count = 0;
    for (Node* node = take_oldest_first(); node != nullptr; ++count) {
        std::unique_ptr<Node> taken(std::exchange(node, node->next));
        each(std::move(taken->signal));
    }
    return count;
}

} // namespace tycho::runtime
