// Name lookups for lunatic::networking::resolve (lunatic-abi.md §20.1), off the scheduler's
// workers. getaddrinfo blocks for as long as the name servers take (seconds when they do not
// answer) and cannot be cancelled, so lookups run on a few threads of their own and the
// guest's process parks on the lookup's Completion until the answer, its deadline or a kill.
// The pool and its queue are bounded: a guest that asks for many slow names gets errors
// once the queue is full instead of piling up threads or work for everyone.
#pragma once

#include "host/networking/socket_address.h"
#include "runtime/completion.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace tycho::host {

// The addresses of a name, in the resolver's order (ports 0), or why there are none.
using LookupAnswer = std::variant<std::vector<SocketAddress>, std::string>;

// The addresses `host` has, through the system's resolver (getaddrinfo; blocks).
LookupAnswer lookup_host(const std::string& host);

class Resolver {
  public:
    // One lookup, shared by the thread that answers it and the process that waits for it.
    struct Lookup {
        explicit Lookup(std::string name) : host(std::move(name)) {}
        const std::string host;
        LookupAnswer answer; // written before `done` completes
        runtime::Completion done;
    };
    struct Limits {
        unsigned threads = 4;
        size_t queue = 256; // lookups waiting for a thread
    };
    using LookupFunction = std::function<LookupAnswer(const std::string&)>;

    explicit Resolver(Limits limits, const LookupFunction& lookup = lookup_host);
    // Threads still inside a lookup are left to finish it on their own.
    ~Resolver();
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    // Queues a lookup of `host`; nullptr when the queue is full. A lookup whose waiter let
    // go of it before a thread took it up is skipped (and frees its place in the queue).
    std::shared_ptr<Lookup> submit(std::string host);
    const Limits& limits() const { return limits_; }

    // The runtime's resolver, started at first use.
    static Resolver& shared();

  private:
    struct State {
        std::mutex lock;
        std::condition_variable changed;
        std::deque<std::weak_ptr<Lookup>> queue;
        bool stopping = false;
    };
    static void serve(const std::shared_ptr<State>& state, const LookupFunction& lookup);

    Limits limits_;
    // Shared with the threads, which may outlive the resolver (see the destructor).
    std::shared_ptr<State> state_;
    std::vector<std::thread> threads_;
};

} // namespace tycho::host
