#include "runtime/signal_queue.h"

#include <memory>
#include <utility>

namespace tycho::runtime {

SignalQueue::~SignalQueue() {
    destroy(head_.load(std::memory_order_acquire));
}

void SignalQueue::destroy(uintptr_t chain) {
    if (chain <= kClosed) return;
    for (auto* node = reinterpret_cast<Node*>(chain); node != nullptr;)
        delete std::exchange(node, node->next);
}

bool SignalQueue::push(Signal&& signal) {
    auto node = std::make_unique<Node>(Node{std::move(signal), nullptr});
    uintptr_t head = head_.load(std::memory_order_acquire);
    for (;;) {
        // A dropped signal (closed queue) is destroyed with its node.
        if (head == kClosed) return false;
        node->next = head == kWaiting ? nullptr : reinterpret_cast<Node*>(head);
        if (head_.compare_exchange_weak(head, reinterpret_cast<uintptr_t>(node.get()),
                                        std::memory_order_acq_rel, std::memory_order_acquire))
            break;
    }
    node.release(); // the consumer frees it
    return head == kWaiting;
}

bool SignalQueue::notify() {
    uintptr_t waiting = kWaiting;
    return head_.compare_exchange_strong(waiting, kEmpty, std::memory_order_acq_rel);
}

void SignalQueue::take_all(std::vector<Signal>& out) {
    uintptr_t head = head_.load(std::memory_order_acquire);
    do {
        if (head <= kClosed) return; // nothing queued (a wait mark stays where it is)
    } while (!head_.compare_exchange_weak(head, kEmpty, std::memory_order_acq_rel,
                                          std::memory_order_acquire));
    // The stack is newest first: reverse it into push order.
    Node* oldest = nullptr;
    for (auto* node = reinterpret_cast<Node*>(head); node != nullptr;) {
        Node* next = node->next;
        node->next = oldest;
        oldest = node;
        node = next;
    }
    while (oldest != nullptr) {
        std::unique_ptr<Node> node(std::exchange(oldest, oldest->next));
        out.push_back(std::move(node->signal));
    }
}

bool SignalQueue::prepare_wait() {
    uintptr_t empty = kEmpty;
    return head_.compare_exchange_strong(empty, kWaiting, std::memory_order_acq_rel);
}

bool SignalQueue::cancel_wait() {
    uintptr_t waiting = kWaiting;
    return head_.compare_exchange_strong(waiting, kEmpty, std::memory_order_acq_rel);
}

void SignalQueue::close() {
    destroy(head_.exchange(kClosed, std::memory_order_acq_rel));
}

} // namespace tycho::runtime
