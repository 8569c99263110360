// A supervisor restarting a worker that crashes on purpose (tycho/supervisor.hpp).
//
// The worker does a little work, then crashes (tycho_panic) the first CRASHES times it
// starts; after that it finishes. It is a transient child of a one_for_one supervisor that
// allows at most 3 restarts within a minute:
//  - CRASHES <= 3 (default 2): the supervisor restarts the worker until it finishes, then
//    has no child left and returns; main prints "the work is done" and exits with 0.
//  - CRASHES >= 4: the 4th failure is one restart too many; the supervisor gives up and
//    fails itself. main, linked to it, hears of the failure and exits with 1.
// Each crash makes the runtime print a fault report on stderr ("... failed: unreachable"
// after the "panic: ..." line); stdout has the supervisor's events, then main's verdict.
//
// A restarted child gets the same argument every time, so the worker learns how many times
// it has started from a counter server that lives outside the supervisor, found by name
// in the registry. No timing or process id is printed, so the output is always the same.
//
//   sdk/bin/tycho-c++ examples/supervisor/supervisor.cpp -o supervisor.wasm
//   tycho run supervisor.wasm [CRASHES]
#include <tycho/supervisor.hpp>

#include <cstdio>
#include <cstdlib>

// Counts calls: the worker's starts. It takes no argument and no casts.
struct StartCounter {
    using Call = int;
    using Reply = int;
    int starts = 0;
    int handle_call(int) { return ++starts; }
};

// The worker's argument, the same at every start.
struct Job {
    int crashes;     // how many starts crash
    tycho::Pid main; // where the result goes
};
constexpr int64_t result_tag = 1;

// The worker prints nothing: its lines would race with the supervisor's, which it runs
// alongside. A crash says why on stderr; the result goes to main, which prints it.
void worker(Job job) {
    auto counter = tycho::find_server<StartCounter>("starts").value();
    int start = counter.call(0, 5000).value();
    long long sum = 0; // the "work"
    for (int i = 1; i <= 1000; ++i)
        sum += i;
    if (start <= job.crashes) tycho_panic("worker: start %d crashes on purpose", start);
    tycho::Process(job.main).send(sum, result_tag);
}

// The supervisor's events, without the process ids the default hook prints.
void print_event(const tycho::SupervisorEvent& event) {
    const char* name = event.child.c_str();
    switch (event.kind) {
    case tycho::SupervisorEvent::started: std::printf("supervisor: started %s\n", name); break;
    case tycho::SupervisorEvent::ended: std::printf("supervisor: %s ended\n", name); break;
    case tycho::SupervisorEvent::failed: std::printf("supervisor: %s failed\n", name); break;
    case tycho::SupervisorEvent::restarting:
        std::printf("supervisor: restarting %s (restart %u of at most %u)\n", name, event.restarts,
                    event.limit.max_restarts);
        break;
    case tycho::SupervisorEvent::gave_up:
        std::printf("supervisor: %s failed too often; giving up\n", name);
        break;
    }
}

void supervise(Job job) {
    // A window of a minute: the crashes all fall in it however slow the machine is.
    tycho::Supervisor supervisor(tycho::Strategy::one_for_one,
                                 {.max_restarts = 3, .within_ms = 60000});
    // transient: restarted when it fails, not when it ends normally.
    supervisor.on_event(print_event).child<worker>("worker", tycho::Restart::transient, job);
    supervisor.run(); // returns once the worker has ended normally
}

int main(int argc, char** argv) {
    int crashes = argc > 1 ? std::atoi(argv[1]) : 2;
    if (crashes < 0) {
        std::fprintf(stderr, "usage: %s [CRASHES]  (CRASHES >= 0)\n", argv[0]);
        return 2;
    }
    auto counter = tycho::start_or_find_server<StartCounter>("starts").value();

    // Linked, so that a failure arrives as a link-died message (with link deaths trapped),
    // and monitored, so that a normal end arrives too.
    tycho::trap_link_deaths(false);
    Job job{crashes, tycho_self()};
    auto supervisor =
        tycho::spawn<supervise>(tycho::SpawnOptions{.link = true, .monitor = true}, job).value();
    bool failed = false;
    long long sum = -1;
    for (;;) {
        auto received = tycho::receive_any().value();
        if (received.is_data() && received.tag() == result_tag)
            sum = received.as<long long>().value();
        if (received.link_died() && received.tag() == supervisor.link_tag) failed = true;
        if (received.process_died() && received.process() == supervisor.process) break;
    }
    // The link-died message comes before the process-died one; this covers the other order.
    tycho_message late{};
    if (tycho_receive_tag(supervisor.link_tag, 0, &late) == TYCHO_OK) failed = true;

    counter.stop();
    if (failed) {
        std::printf("main: the supervisor gave up\n");
        return 1;
    }
    std::printf("main: the work is done: the sum is %lld\n", sum);
    return 0;
}
