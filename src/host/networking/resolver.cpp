#include "host/networking/resolver.h"

#include <netdb.h>

#include <algorithm>

namespace tycho::host {

LookupAnswer lookup_host(const std::string& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM; // one entry per address, not one per socket type
    addrinfo* found = nullptr;
    if (int error = getaddrinfo(host.c_str(), nullptr, &hints, &found); error != 0)
        return std::string(gai_strerror(error));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(found, freeaddrinfo);
    std::vector<SocketAddress> addresses;
    for (addrinfo* entry = found; entry != nullptr; entry = entry->ai_next)
        if (auto address = SocketAddress::from(entry->ai_addr, entry->ai_addrlen))
            addresses.push_back(*address);
    return addresses;
}

Resolver::Resolver(Limits limits, const LookupFunction& lookup)
    : limits_(limits), state_(std::make_shared<State>()) {
    for (unsigned i = 0; i < limits_.threads; ++i)
        threads_.emplace_back([state = state_, lookup] { serve(state, lookup); });
}

Resolver::~Resolver() {
    {
        std::lock_guard guard(state_->lock);
        state_->stopping = true;
        state_->queue.clear();
    }
    state_->changed.notify_all();
    // A thread inside getaddrinfo may take seconds more; it holds the state it needs and
    // ends after that lookup. Waiting for it would hold up the runtime's exit.
    for (std::thread& thread : threads_)
        thread.detach();
}

std::shared_ptr<Resolver::Lookup> Resolver::submit(std::string host) {
    auto lookup = std::make_shared<Lookup>(std::move(host));
    {
        std::lock_guard guard(state_->lock);
        auto& queue = state_->queue;
        if (queue.size() >= limits_.queue)
            std::erase_if(queue,
                          [](const std::weak_ptr<Lookup>& entry) { return entry.expired(); });
        if (queue.size() >= limits_.queue) return nullptr;
        queue.push_back(lookup);
    }
    state_->changed.notify_one();
    return lookup;
}

void Resolver::serve(const std::shared_ptr<State>& state, const LookupFunction& lookup) {
    for (;;) {
        std::shared_ptr<Lookup> next;
        {
            std::unique_lock guard(state->lock);
            state->changed.wait(guard, [&] { return state->stopping || !state->queue.empty(); });
            if (state->stopping) return;
            next = state->queue.front().lock();
            state->queue.pop_front();
        }
        if (!next) continue; // its waiter gave up before it started
        next->answer = lookup(next->host);
        next->done.complete();
    }
}

Resolver& Resolver::shared() {
    static Resolver resolver(Limits{});
    return resolver;
}

} // namespace tycho::host
