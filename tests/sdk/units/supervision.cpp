// The C++ layer: supervisor strategies, restart types and the restart limit; servers
// (call, cast, info, stop, registered start); typed mailboxes with a custom codec; typed
// channels.
//
// Supervised children report each start to this test's main process and then wait for
// its command (crash, or end normally), so every restart is observed in a fixed order.
#include <tycho/channel.hpp>
#include <tycho/supervisor.hpp>

#include "check.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int64_t start_tag = 10;
constexpr int64_t command_tag = 11;

enum class Command : int { crash, end };

struct ChildArg {
    char name;
    tycho::Pid collector;
};

struct Started {
    char name;
    tycho::Pid pid;
};

void child(ChildArg arg) {
    tycho::Process(arg.collector).send(Started{arg.name, tycho_self()}, start_tag);
    auto command = tycho::Mailbox<Command>(command_tag).receive();
    if (command.value() == Command::crash) tycho_panic("child %c crashes as told", arg.name);
}

struct SupervisorArg {
    tycho::Strategy strategy;
    tycho::Restart restarts[3];
    unsigned max_restarts;
    tycho::Pid collector;
};

void supervise(SupervisorArg arg) {
    tycho::Supervisor supervisor(arg.strategy,
                                 {.max_restarts = arg.max_restarts, .within_ms = 60000});
    supervisor.on_event(nullptr);
    for (int i = 0; i < 3; ++i) {
        std::string name(1, static_cast<char>('A' + i));
        supervisor.child<child>(name, arg.restarts[i], ChildArg{name[0], arg.collector});
    }
    supervisor.run();
}

Started next_start() {
    auto started = tycho::Mailbox<Started>(start_tag).receive(10000);
    CHECK(started.ok());
    return *started;
}

// Collects `count` starts and returns their names in alphabetical order (children start
// in order, but run concurrently, so their reports may arrive in any order).
std::string starts(int count, std::vector<Started>& latest) {
    std::string names;
    for (int i = 0; i < count; ++i) {
        Started started = next_start();
        names += started.name;
        latest[static_cast<size_t>(started.name - 'A')] = started;
    }
    std::sort(names.begin(), names.end());
    return names;
}

void tell(const Started& child, Command command) {
    tycho::Process(child.pid).send(command, command_tag);
}

void expect_no_more_starts() {
    CHECK(tycho::Mailbox<Started>(start_tag).receive(100).status() == tycho::Status::timeout);
}

tycho::Process start_supervisor(tycho::Strategy strategy, unsigned max_restarts,
                                tycho::Restart a = tycho::Restart::permanent,
                                tycho::Restart b = tycho::Restart::permanent,
                                tycho::Restart c = tycho::Restart::permanent) {
    SupervisorArg arg{strategy, {a, b, c}, max_restarts, tycho_self()};
    return tycho::spawn<supervise>(tycho::SpawnOptions{.monitor = true}, arg).value().process;
}

// Waits for the supervisor's process-died message.
void expect_supervisor_ended(tycho::Process supervisor) {
    for (;;) {
        auto received = tycho::receive_any(10000);
        CHECK(received.ok());
        if (received->process_died() && received->process() == supervisor) return;
    }
}

void strategy_restarts(tycho::Strategy strategy, const char* expected_restarts) {
    std::vector<Started> latest(3);
    auto supervisor = start_supervisor(strategy, 5);
    CHECK(starts(3, latest) == "ABC");
    std::vector<Started> first = latest;
    tell(latest[1], Command::crash);
    std::string restarted = starts(static_cast<int>(std::strlen(expected_restarts)), latest);
    if (restarted != expected_restarts)
        tycho_panic("restarted %s, expected %s", restarted.c_str(), expected_restarts);
    expect_no_more_starts();
    // The siblings that were restarted were killed first; the others live on.
    for (int i = 0; i < 3; ++i) {
        bool was_restarted = restarted.find(static_cast<char>('A' + i)) != std::string::npos;
        CHECK(tycho::Process(first[static_cast<size_t>(i)].pid).alive() == !was_restarted);
        CHECK(tycho::Process(latest[static_cast<size_t>(i)].pid).alive());
    }
    supervisor.kill(); // the children are linked to it and go with it
    expect_supervisor_ended(supervisor);
    for (const Started& child : latest) {
        int64_t deadline = tycho_deadline(5000);
        while (tycho::Process(child.pid).alive() && tycho_remaining_ms(deadline) > 0)
            tycho::sleep_ms(1);
        CHECK(!tycho::Process(child.pid).alive());
    }
}

void restart_limit_fails_the_supervisor() {
    std::vector<Started> latest(3);
    auto supervisor = start_supervisor(tycho::Strategy::one_for_one, 2);
    CHECK(starts(3, latest) == "ABC");
    for (int crash = 0; crash < 3; ++crash) {
        tell(latest[0], Command::crash);
        if (crash < 2) CHECK(starts(1, latest) == "A");
    }
    expect_supervisor_ended(supervisor); // it gave up after the third failure
    expect_no_more_starts();
    tycho::sleep_ms(20);
    for (const Started& child : latest)
        CHECK(!tycho::Process(child.pid).alive());
    std::printf("restart limit: ok\n");
}

void restart_types() {
    std::vector<Started> latest(3);
    auto supervisor = start_supervisor(tycho::Strategy::one_for_one, 10, tycho::Restart::permanent,
                                       tycho::Restart::transient, tycho::Restart::temporary);
    CHECK(starts(3, latest) == "ABC");
    tell(latest[0], Command::end); // permanent: restarted even after a normal end
    CHECK(starts(1, latest) == "A");
    tell(latest[1], Command::crash); // transient: restarted after a failure
    CHECK(starts(1, latest) == "B");
    tell(latest[1], Command::end);   // ... but not after a normal end
    tell(latest[2], Command::crash); // temporary: never restarted
    expect_no_more_starts();
    tell(latest[0], Command::crash);
    CHECK(starts(1, latest) == "A");
    tell(latest[0], Command::end);
    CHECK(starts(1, latest) == "A");
    supervisor.kill();
    expect_supervisor_ended(supervisor);
    std::printf("restart types: ok\n");
}

void supervisor_returns_when_nothing_is_left() {
    std::vector<Started> latest(3);
    auto supervisor = start_supervisor(tycho::Strategy::one_for_all, 10, tycho::Restart::transient,
                                       tycho::Restart::transient, tycho::Restart::temporary);
    CHECK(starts(3, latest) == "ABC");
    for (const Started& child : latest)
        tell(child, Command::end);
    expect_supervisor_ended(supervisor);
    CHECK(!supervisor.alive());
    std::printf("supervisor ends with its children: ok\n");
}

// A server keeping a list of words: calls add a word and return the count, casts add a word,
// timers (info) add "tick".
struct Words {
    using Arg = int;
    using Call = std::string;
    using Reply = int;
    using Cast = std::string;
    std::vector<std::string> words;
    explicit Words(int) {}
    int handle_call(const std::string& word) {
        if (word == "slow") tycho::sleep_ms(200);
        words.push_back(word);
        return static_cast<int>(words.size());
    }
    void handle_cast(const std::string& word) { words.push_back(word); }
    void handle_info(const tycho::Received& received) {
        if (received.is_data() && received.tag() == 20) words.push_back("tick");
    }
};

void server_pattern() {
    auto words = tycho::start_server<Words>(0).value();
    CHECK(words.call("one").value() == 1);
    words.cast("two");
    words.cast("three");
    CHECK(words.call("four").value() == 4); // casts before it were handled first
    words.process().send_after(0, 10, 20);
    tycho::sleep_ms(50);
    CHECK(words.call("five").value() == 6);
    CHECK(words.call("slow", 50).status() == tycho::Status::timeout);
    CHECK(words.call("six").value() == 8); // the slow call still happened
    CHECK(words.stop(5000) == tycho::Status::ok);
    CHECK(!words.process().alive()); // stop returns once the process has ended
    CHECK(words.call("seven", 5000).status() == tycho::Status::no_process);

    auto first = tycho::start_or_find_server<Words>("sdk-words", 0).value();
    auto second = tycho::start_or_find_server<Words>("sdk-words", 0).value();
    CHECK(first.process() == second.process());
    CHECK(tycho::find_server<Words>("sdk-words").value().call("x").value() == 1);
    CHECK(first.stop() == tycho::Status::ok);
    std::printf("server: ok\n");
}

// A server with calls only: no Arg, no Cast.
struct Clock {
    using Call = int;
    using Reply = int;
    int ticks = 0;
    int handle_call(int step) { return ticks += step; }
};

// A supervised child that checks it is registered under its name before it runs.
void registered_child(tycho::Pid collector) {
    auto found = tycho::whereis("sdk-registered-child");
    tycho::Process(collector).send(found && found->id() == tycho_self(), start_tag);
}

void minimal_server_and_registration() {
    auto clock = tycho::start_server<Clock>().value();
    CHECK(clock.call(2).value() == 2 && clock.call(3).value() == 5);
    CHECK(clock.stop() == tycho::Status::ok);
    auto supervisor =
        tycho::spawn<[](tycho::Pid collector) {
            tycho::Supervisor supervisor(tycho::Strategy::one_for_one);
            supervisor.on_event(nullptr);
            supervisor.child<registered_child>("child", tycho::Restart::transient, collector)
                .registered("sdk-registered-child");
            supervisor.server<Clock>("clock", tycho::Restart::temporary);
            supervisor.run();
        }>(tycho::SpawnOptions{.monitor = true}, tycho_self())
            .value();
    CHECK(tycho::Mailbox<bool>(start_tag).receive(10000).value());
    supervisor.process.kill();
    expect_supervisor_ended(supervisor.process);
    std::printf("minimal server, registration before start: ok\n");
}

// A custom codec: a record with a string, encoded as a length-prefixed string then the count.
struct Entry {
    std::string key;
    int count = 0;
};

} // namespace

template <> struct tycho::Codec<Entry> {
    static void encode(const Entry& entry, tycho::Bytes& out) {
        tycho::Codec<uint32_t>::encode(static_cast<uint32_t>(entry.key.size()), out);
        tycho::Codec<std::string>::encode(entry.key, out);
        tycho::Codec<int>::encode(entry.count, out);
    }
    static bool decode(std::span<const std::byte> bytes, Entry& entry) {
        uint32_t size = 0;
        if (bytes.size() < 4 || !tycho::Codec<uint32_t>::decode(bytes.first(4), size)) return false;
        if (bytes.size() != 4 + size + sizeof(int)) return false;
        tycho::Codec<std::string>::decode(bytes.subspan(4, size), entry.key);
        return tycho::Codec<int>::decode(bytes.subspan(4 + size), entry.count);
    }
};

namespace {

void mailboxes_and_codecs() {
    auto self = tycho::Process::self();
    self.send(Entry{"apples", 3}, 30);
    self.send(42, 31);
    tycho::Mailbox<Entry> entries(30);
    tycho::Mailbox<int> numbers(31);
    CHECK(numbers.receive(0).value() == 42); // selective: the later tag first
    Entry entry = entries.receive(0).value();
    CHECK(entry.key == "apples" && entry.count == 3);
    CHECK(entries.receive(20).status() == tycho::Status::timeout);
    self.send(std::string("not an entry"), 30);
    CHECK(entries.receive(0).status() == tycho::Status::truncated);
    std::printf("mailboxes: ok\n");
}

struct RelayEnds {
    tycho::Receiver<std::string> in;
    tycho::Sender<std::string> out;
};

void relay(RelayEnds ends) {
    while (auto word = ends.in.receive())
        CHECK(ends.out.send(*word + "!") == tycho::Status::ok);
    ends.out.close();
}

void typed_channels() {
    auto [in_tx, in_rx] = tycho::channel<std::string>(0).value();
    auto [out_tx, out_rx] = tycho::channel<std::string>(2).value();
    CHECK(tycho::spawn<relay>(RelayEnds{in_rx, out_tx}).ok());
    for (const char* word : {"a", "bb", "ccc"})
        CHECK(in_tx.send(word) == tycho::Status::ok);
    in_tx.close();
    std::string joined;
    while (auto word = out_rx.receive(5000))
        joined += *word;
    CHECK(joined == "a!bb!ccc!");
    CHECK(out_rx.receive(0).status() == tycho::Status::closed);
    std::printf("typed channels: ok\n");
}

} // namespace

int main() {
    strategy_restarts(tycho::Strategy::one_for_one, "B");
    std::printf("one_for_one: ok\n");
    strategy_restarts(tycho::Strategy::one_for_all, "ABC");
    std::printf("one_for_all: ok\n");
    strategy_restarts(tycho::Strategy::rest_for_one, "BC");
    std::printf("rest_for_one: ok\n");
    restart_limit_fails_the_supervisor();
    restart_types();
    supervisor_returns_when_nothing_is_left();
    server_pattern();
    minimal_server_and_registration();
    mailboxes_and_codecs();
    typed_channels();
    std::printf("ok\n");
    return 0;
}
