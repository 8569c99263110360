// tycho/supervisor.hpp - supervisors: a process that starts children, watches them, and
// restarts them by a strategy, within a restart limit, as Erlang's supervisor does.
//
//   tycho::Supervisor supervisor(tycho::Strategy::one_for_one, {.max_restarts = 3, .within_ms =
//   5000}); supervisor.child<worker>("worker", 42);                  // void worker(int)
//   supervisor.server<KeyValue>("store", {}).registered("kv");
//   supervisor.run();   // returns once no child is left to run
//
// Children are spawned linked and monitored before they run, so no death is missed, and
// each link has its own tag, so a failure names its child. A child that fails (traps, is
// killed, exits with a non-zero code) or, if permanent, ends at all is restarted:
//  - one_for_one: that child alone;
//  - one_for_all: every child (the others are killed first);
//  - rest_for_one: that child and the ones started after it.
// More than `max_restarts` restarts within `within_ms` fail the supervisor: it kills its
// children and traps, so that its own supervisor, or whoever linked to it, takes over.
#pragma once

#include <tycho/server.hpp>

#include <cstdio>
#include <deque>
#include <string>
#include <vector>

namespace tycho {

enum class Strategy { one_for_one, one_for_all, rest_for_one };

// When a child that ended is started again.
enum class Restart {
    permanent, // always
    transient, // only when it failed
    temporary, // never
};

struct RestartLimit {
    unsigned max_restarts = 3;
    int64_t within_ms = 5000;
};

// What a supervisor tells its event hook.
struct SupervisorEvent {
    enum Kind { started, ended, failed, restarting, gave_up } kind;
    const std::string& child;
    Process process;   // the child's process (started, ended, failed)
    unsigned restarts; // restarts within the window so far
    RestartLimit limit;
};

// The default event hook: one line per event on stdout.
inline void print_supervisor_event(const SupervisorEvent& event) {
    const char* name = event.child.c_str();
    auto pid = static_cast<unsigned long long>(event.process.id());
    switch (event.kind) {
    case SupervisorEvent::started:
        std::printf("supervisor: started %s (process %llu)\n", name, pid);
        break;
    case SupervisorEvent::ended:
        std::printf("supervisor: %s (process %llu) ended\n", name, pid);
        break;
    case SupervisorEvent::failed:
        std::printf("supervisor: %s (process %llu) failed\n", name, pid);
        break;
    case SupervisorEvent::restarting:
        std::printf("supervisor: restarting %s (restart %u of at most %u in %lld ms)\n", name,
                    event.restarts, event.limit.max_restarts,
                    static_cast<long long>(event.limit.within_ms));
        break;
    case SupervisorEvent::gave_up:
        std::printf("supervisor: %s failed too often (%u restarts in %lld ms); giving up\n", name,
                    event.restarts, static_cast<long long>(event.limit.within_ms));
        break;
    }
}

class Supervisor {
  public:
    using EventHook = void (*)(const SupervisorEvent&);

    explicit Supervisor(Strategy strategy, RestartLimit limit = {})
        : strategy_(strategy), limit_(limit) {}

    // Adds a child running `Function(argument)` (see tycho::spawn).
    template <auto Function, class... Argument>
    Supervisor& child(std::string name, Restart restart, const Argument&... argument) {
        static_assert(sizeof...(Argument) <= 1, "a process takes at most one argument");
        Child added;
        added.name = std::move(name);
        added.entry = detail::entry<Function>;
        added.restart = restart;
        if constexpr (sizeof...(Argument) == 1) added.argument = encode(argument...);
        children_.push_back(std::move(added));
        return *this;
    }
    template <auto Function, class... Argument>
    Supervisor& child(std::string name, const Argument&... argument) {
        return child<Function>(std::move(name), Restart::permanent, argument...);
    }
    // Adds a child running a server of type Impl (tycho/server.hpp), with its Arg if it
    // has one.
    template <ServerImpl Impl, class... Arg>
    Supervisor& server(std::string name, Restart restart, const Arg&... arg) {
        detail::check_server_arg<Impl, Arg...>();
        return child<detail::server_entry<Impl>()>(std::move(name), restart, arg...);
    }
    template <ServerImpl Impl, class... Arg>
    Supervisor& server(std::string name, const Arg&... arg) {
        return server<Impl>(std::move(name), Restart::permanent, arg...);
    }
    // Registers the last child added under `name` each time it starts, before it runs.
    Supervisor& registered(std::string name) {
        if (!children_.empty()) children_.back().registered = std::move(name);
        return *this;
    }
    // Replaces the event hook (nullptr: silent).
    Supervisor& on_event(EventHook hook) {
        hook_ = hook;
        return *this;
    }
    // Children are spawned with this config (default: the supervisor's own).
    Supervisor& config(int64_t config_id) {
        config_ = config_id;
        return *this;
    }

    // The process currently running child `name` (no_process if none is).
    Result<Process> which(const std::string& name) const {
        for (const Child& child : children_)
            if (child.name == name && child.running) return child.process;
        return Status::no_process;
    }

    // Starts the children in order and supervises them. Returns once no child is running
    // and none is to be restarted; fails the process when the restart limit is exceeded.
    void run() {
        trap_link_deaths(false);
        for (size_t i = 0; i < children_.size(); ++i)
            start(i);
        while (running_count() > 0) {
            auto received = receive_any();
            if (!received) continue;
            if (received->link_died()) {
                if (auto index = by_link_tag(received->tag())) on_exit(*index, true);
            } else if (received->process_died()) {
                auto index = by_process(received->process());
                // A failure's link-died message comes before the process-died one, so it
                // was handled already; this check covers a runtime that orders them the
                // other way.
                if (index) {
                    tycho_message failure{};
                    bool failed =
                        tycho_receive_tag(children_[*index].link_tag, 0, &failure) == TYCHO_OK;
                    on_exit(*index, failed);
                }
            }
            // Data messages to a supervisor have no meaning; they are dropped.
        }
    }

  private:
    struct Child {
        std::string name;
        tycho_entry entry = nullptr;
        Bytes argument;
        Restart restart = Restart::permanent;
        std::string registered;
        Process process;
        int64_t link_tag = 0;
        bool running = false;
    };

    void emit(SupervisorEvent::Kind kind, const Child& child) const {
        if (hook_)
            hook_(SupervisorEvent{kind, child.name, child.process,
                                  static_cast<unsigned>(restarts_.size()), limit_});
    }

    void start(size_t index) {
        Child& child = children_[index];
        tycho_spawn_options options{config_, 1, 1};
        Pid pid = 0;
        if (tycho_spawn_waiting(child.entry, &options, &pid, &child.link_tag) != TYCHO_OK) {
            stop_all();
            tycho_panic("supervisor: cannot start %s: %s", child.name.c_str(), last_error());
        }
        child.process = Process(pid);
        child.running = true;
        // The child waits for its argument, so its name and the "started" event come first.
        if (!child.registered.empty()) register_as(child.registered, child.process);
        emit(SupervisorEvent::started, child);
        tycho_start_child(pid, &options, child.argument.data(),
                          static_cast<uint32_t>(child.argument.size()));
    }

    // Kills a running child and waits until it is gone, so that what it held is free again.
    void stop(size_t index) {
        Child& child = children_[index];
        if (!child.running) return;
        child.running = false;
        child.link_tag = 0;
        child.process.kill();
        int64_t deadline = tycho_deadline(5000);
        while (child.process.alive() && tycho_remaining_ms(deadline) > 0)
            sleep_ms(1);
    }

    void stop_all() {
        for (size_t i = children_.size(); i-- > 0;)
            stop(i);
    }

    void on_exit(size_t index, bool failed) {
        Child& child = children_[index];
        child.running = false;
        emit(failed ? SupervisorEvent::failed : SupervisorEvent::ended, child);
        bool restart =
            child.restart == Restart::permanent || (child.restart == Restart::transient && failed);
        if (!restart) return;

        int64_t now = tycho_now_ms();
        restarts_.push_back(now);
        while (!restarts_.empty() && now - restarts_.front() > limit_.within_ms)
            restarts_.pop_front();
        if (restarts_.size() > limit_.max_restarts) {
            emit(SupervisorEvent::gave_up, child);
            stop_all();
            tycho_panic("supervisor: %s failed more than %u times in %lld ms", child.name.c_str(),
                        limit_.max_restarts, static_cast<long long>(limit_.within_ms));
        }

        // Which children start again: this one, and by the strategy the others that ran.
        std::vector<bool> again(children_.size(), false);
        again[index] = true;
        size_t first_other = strategy_ == Strategy::rest_for_one ? index + 1 : 0;
        if (strategy_ != Strategy::one_for_one) {
            for (size_t i = first_other; i < children_.size(); ++i) {
                if (i == index || !children_[i].running) continue;
                again[i] = true;
            }
            for (size_t i = children_.size(); i-- > first_other;)
                if (again[i] && i != index) stop(i);
        }
        emit(SupervisorEvent::restarting, child);
        for (size_t i = 0; i < children_.size(); ++i)
            if (again[i]) start(i);
    }

    size_t running_count() const {
        size_t count = 0;
        for (const Child& child : children_)
            count += child.running ? 1 : 0;
        return count;
    }
    std::optional<size_t> by_link_tag(int64_t tag) const {
        for (size_t i = 0; i < children_.size(); ++i)
            if (children_[i].running && children_[i].link_tag == tag) return i;
        return std::nullopt;
    }
    std::optional<size_t> by_process(Process process) const {
        for (size_t i = 0; i < children_.size(); ++i)
            if (children_[i].running && children_[i].process == process) return i;
        return std::nullopt;
    }

    Strategy strategy_;
    RestartLimit limit_;
    int64_t config_ = TYCHO_SELF_CONFIG;
    EventHook hook_ = print_supervisor_event;
    std::vector<Child> children_;
    std::deque<int64_t> restarts_;
};

} // namespace tycho
