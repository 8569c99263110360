// The showcase behind scripts/demo.sh: what processes on Tycho feel like.
//
//   1. Spawn 100,000 processes, each of which answers its parent, and time it.
//   2. Hold 20,000 processes alive at once, then release them.
//   3. Pass a token around a ring of 10,000 processes, 100 times.
//   4. Count primes below 2,000,000 with one process, then with 8 (map-reduce).
//   5. A supervisor restarts a worker that crashes twice on purpose; the runtime prints a
//      fault report for each crash, and the rest of the program carries on.
//
//   sdk/bin/tycho-c++ examples/showcase/showcase.cpp -o showcase.wasm
//   tycho run showcase.wasm [--quick]      # --quick: a tenth of the sizes
#include <tycho/server.hpp>
#include <tycho/supervisor.hpp>

#include <cstdio>
#include <cstring>

namespace {

double seconds_since(int64_t start_ms) {
    return static_cast<double>(tycho_now_ms() - start_ms) / 1000.0;
}

// --- 1 and 2: many processes -------------------------------------------------------------

constexpr int64_t hello_tag = 1;
constexpr int64_t release_tag = 2;

void say_hello(tycho::Pid parent) {
    tycho::Process(parent).send(true, hello_tag);
}

void wait_for_release(tycho::Pid parent) {
    tycho::Process(parent).send(true, hello_tag);
    tycho::Mailbox<bool>(release_tag).receive(); // parked: no thread, no CPU
}

void spawn_many(int count) {
    int64_t start = tycho_now_ms();
    tycho::Mailbox<bool> hellos(hello_tag);
    for (int i = 0; i < count; ++i)
        tycho::spawn<say_hello>(tycho_self()).value();
    for (int i = 0; i < count; ++i)
        hellos.receive().value();
    double took = seconds_since(start);
    std::printf("  %d processes spawned, each answered, in %.2f s: %.0f spawns/s "
                "(Lunatic: about 5,000/s)\n",
                count, took, count / took);
}

void hold_many(int count) {
    int64_t start = tycho_now_ms();
    std::vector<tycho::Process> held;
    held.reserve(static_cast<size_t>(count));
    tycho::Mailbox<bool> hellos(hello_tag);
    for (int i = 0; i < count; ++i)
        held.push_back(tycho::spawn<wait_for_release>(tycho_self()).value());
    for (int i = 0; i < count; ++i)
        hellos.receive().value();
    std::printf("  %d processes alive at once after %.2f s (Lunatic stopped near 16,000)\n", count,
                seconds_since(start));
    for (const tycho::Process& process : held)
        process.send(true, release_tag);
}

// --- 3: a ring ---------------------------------------------------------------------------

constexpr int64_t token_tag = 3;
constexpr int64_t next_tag = 4;

// A ring member: learns its successor, then forwards every token it gets; a token of 0
// ends it (after it passed the 0 on).
void ring_member() {
    tycho::Process next(tycho::Mailbox<tycho::Pid>(next_tag).receive().value());
    tycho::Mailbox<int64_t> tokens(token_tag);
    for (;;) {
        int64_t token = tokens.receive().value();
        next.send(token, token_tag);
        if (token == 0) return;
    }
}

void ring(int size, int rounds) {
    int64_t start = tycho_now_ms();
    std::vector<tycho::Process> members;
    for (int i = 0; i < size; ++i)
        members.push_back(tycho::spawn<ring_member>().value());
    for (int i = 0; i + 1 < size; ++i)
        members[static_cast<size_t>(i)].send(members[static_cast<size_t>(i) + 1].id(), next_tag);
    members.back().send(tycho_self(), next_tag); // the last one hands back to us
    double built = seconds_since(start);

    start = tycho_now_ms();
    tycho::Mailbox<int64_t> tokens(token_tag);
    int64_t hops = 0;
    for (int round = 0; round < rounds; ++round) {
        members.front().send(int64_t{1}, token_tag);
        hops += tokens.receive().value() * size;
    }
    double took = seconds_since(start);
    members.front().send(int64_t{0}, token_tag);
    tokens.receive().value();
    std::printf("  ring of %d built in %.2f s; token passed %lld times in %.2f s: %.1f million "
                "messages/s\n",
                size, built, static_cast<long long>(hops), took,
                static_cast<double>(hops) / took / 1e6);
}

// --- 4: map-reduce -----------------------------------------------------------------------

struct Range {
    uint32_t from, to;
    tycho::Pid parent;
};
constexpr int64_t count_tag = 5;

bool is_prime(uint32_t n) {
    if (n < 2) return false;
    for (uint32_t d = 2; d * d <= n; ++d)
        if (n % d == 0) return false;
    return true;
}

void count_primes(Range range) {
    uint32_t count = 0;
    for (uint32_t n = range.from; n < range.to; ++n)
        count += is_prime(n) ? 1 : 0;
    tycho::Process(range.parent).send(count, count_tag);
}

double primes(uint32_t limit, uint32_t workers) {
    int64_t start = tycho_now_ms();
    for (uint32_t w = 0; w < workers; ++w)
        tycho::spawn<count_primes>(Range{limit / workers * w,
                                         w + 1 == workers ? limit : limit / workers * (w + 1),
                                         tycho_self()})
            .value();
    uint32_t total = 0;
    for (uint32_t w = 0; w < workers; ++w)
        total += tycho::Mailbox<uint32_t>(count_tag).receive().value();
    double took = seconds_since(start);
    std::printf("  %u primes below %u with %u process%s: %.2f s\n", total, limit, workers,
                workers == 1 ? "" : "es", took);
    return took;
}

// --- 5: supervision ----------------------------------------------------------------------

// Counts the worker's starts; registered, so that every incarnation of the worker finds it.
struct StartCounter {
    using Call = int;
    using Reply = int;
    int starts = 0;
    int handle_call(int) { return ++starts; }
};

constexpr int64_t done_tag = 6;

void flaky_worker(tycho::Pid parent) {
    auto counter = tycho::find_server<StartCounter>("showcase-starts").value();
    int start = counter.call(0).value();
    if (start <= 2) tycho_panic("worker: crashing on purpose (start %d)", start);
    std::printf("  worker: start %d, doing its job\n", start);
    tycho::Process(parent).send(start, done_tag);
}

void supervise(tycho::Pid parent) {
    tycho::Supervisor supervisor(tycho::Strategy::one_for_one,
                                 {.max_restarts = 3, .within_ms = 5000});
    supervisor.child<flaky_worker>("flaky_worker", tycho::Restart::transient, parent);
    supervisor.on_event([](const tycho::SupervisorEvent& event) {
        std::printf("  ");
        tycho::print_supervisor_event(event);
    });
    supervisor.run(); // returns when the worker has ended normally
}

void supervision() {
    auto counter = tycho::start_or_find_server<StartCounter>("showcase-starts").value();
    auto supervisor =
        tycho::spawn<supervise>(tycho::SpawnOptions{.monitor = true}, tycho_self()).value();
    int start = tycho::Mailbox<int>(done_tag).receive().value();
    for (;;) {
        auto received = tycho::receive_any().value();
        if (received.process_died() && received.process() == supervisor.process) break;
    }
    std::printf("  the worker succeeded on start %d; the supervisor ended as its last child did\n",
                start);
    counter.stop();
}

} // namespace

int main(int argc, char** argv) {
    int scale = argc > 1 && std::strcmp(argv[1], "--quick") == 0 ? 10 : 1;
    std::printf("1. Spawning\n");
    spawn_many(100000 / scale);
    std::printf("2. Holding\n");
    hold_many(20000 / scale);
    std::printf("3. A ring\n");
    ring(10000 / scale, 100);
    std::printf("4. Map-reduce\n");
    double one = primes(2000000 / static_cast<uint32_t>(scale), 1);
    double eight = primes(2000000 / static_cast<uint32_t>(scale), 8);
    std::printf("  speed-up with 8 processes: %.1fx (the runtime's workers share the cores)\n",
                one / eight);
    std::printf("5. Supervision (the fault reports go to stderr)\n");
    supervision();
    return 0;
}
