#include "runtime/signal_queue.h"

#include <memory>
#include <utility>

namespace tycho::runtime {

SignalQueue::Node SignalQueue::waiting_{};
SignalQueue::Node SignalQueue::closed_{};

SignalQueue::~SignalQueue() {
    destroy(head_.load(std::memory_order_acquire));
}

void SignalQueue::destroy(Node* chain) {
    if (!holds_nodes(chain)) return;
    while (chain != nullptr)
        std::unique_ptr<Node>(std::exchange(chain, chain->next)).reset();
}

bool SignalQueue::push(Signal&& signal) {
    auto node = std::make_unique<Node>(Node{std::move(signal), nullptr});
    Node* head = head_.load(std::memory_order_acquire);
    for (;;) {
        // A dropped signal (closed queue) is destroyed with its node.
        if (head == &closed_) return false;
        node->next = head == &waiting_ ? nullptr : head;
        if (head_.compare_exchange_weak(head, node.get(), std::memory_order_acq_rel,
                                        std::memory_order_acquire))
            break;
    }
    [[maybe_unused]] Node* owned_by_the_queue = node.release(); // the consumer frees it
    return head == &waiting_;
}

bool SignalQueue::notify() {
    Node* waiting = &waiting_;
    return head_.compare_exchange_strong(waiting, nullptr, std::memory_order_acq_rel);
}

SignalQueue::Node* SignalQueue::take_oldest_first() {
    Node* head = head_.load(std::memory_order_acquire);
    do {
        if (!holds_nodes(head)) return nullptr; // nothing queued (a wait mark stays put)
    } while (!head_.compare_exchange_weak(head, nullptr, std::memory_order_acq_rel,
                                          std::memory_order_acquire));
    // The stack is newest first: reverse it into push order.
    Node* oldest = nullptr;
    while (head != nullptr) {
        Node* next = head->next;
        head->next = oldest;
        oldest = head;
        head = next;
    }
    return oldest;
}

bool SignalQueue::prepare_wait() {
    Node* empty = nullptr;
    return head_.compare_exchange_strong(empty, &waiting_, std::memory_order_acq_rel);
}

bool SignalQueue::cancel_wait() {
    Node* waiting = &waiting_;
    return head_.compare_exchange_strong(waiting, nullptr, std::memory_order_acq_rel);
}

void SignalQueue::close() {
    destroy(head_.exchange(&closed_, std::memory_order_acq_rel));
}

} // namespace tycho::runtime
