#include "runtime/process.h"

#include <array>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace tycho::runtime {

namespace {

// The reactor watches that one suspension arms, each ending the wait of the process that
// armed it; cancelled when the suspension ends.
class IoWatches {
  public:
    IoWatches(Reactor& reactor, size_t count) : reactor_(reactor) {
        if (count > kInline) overflow_.resize(count);
    }
    ~IoWatches() {
        for (Reactor::WatchId id : ids().first(armed_))
            reactor_.cancel(id);
    }
    IoWatches(const IoWatches&) = delete;
    IoWatches& operator=(const IoWatches&) = delete;

    // Watches each interest; false at the first one that needs no waiting (or cannot be
    // watched), which out[i] then describes.
    bool watch_all(std::span<const IoInterest> interests, std::span<IoEvents> out,
                   Environment& environment, ProcessId id) {
        for (size_t i = 0; i < interests.size(); ++i) {
            // Two words of capture: std::function keeps them without allocating.
            const Reactor::Watch watch =
                reactor_.watch(interests[i].fd, interests[i].events,
                               [&environment, id](IoEvents) { environment.notify(id); });
            switch (watch.status) {
            case Reactor::Watch::Status::watching: ids()[armed_++] = watch.id; break;
            case Reactor::Watch::Status::always_ready: out[i] = interests[i].events; return false;
            case Reactor::Watch::Status::failed: out[i] = IoEvent::error; return false;
            }
        }
        return true;
    }

  private:
    // One socket or stdin is the rule: their ids need no allocation.
    static constexpr size_t kInline = 4;
    std::span<Reactor::WatchId> ids() {
        return overflow_.empty() ? std::span<Reactor::WatchId>(inline_) : overflow_;
    }

    Reactor& reactor_;
    std::array<Reactor::WatchId, kInline> inline_{};
    std::vector<Reactor::WatchId> overflow_;
    size_t armed_ = 0;
};

} // namespace

Process::Process(Environment& environment, ProcessId id, FiberStack stack)
    : Task(std::move(stack)), environment_(environment), id_(id) {}

Process::~Process() = default; // the fiber's stack goes back to its pool by itself

std::string Process::dying_cause() const {
    switch (dying_) {
    case Dying::killed: return "killed";
    case Dying::link_failed:
        return "killed because linked process " + std::to_string(fatal_link_) + " failed";
    case Dying::link_missing:
        return "killed because it linked to process " + std::to_string(fatal_link_) +
               ", which did not exist";
    case Dying::no: break;
    }
    return "";
}

void Process::main() {
    const DeathReason reason = run();
    if (reason == DeathReason::failure) environment_.scheduler().count(Counter::processes_failed);
    die(reason);
}

void Process::finished() {
    Environment& environment = environment_;
    delete this; // NOLINT(cppcoreguidelines-owning-memory): processes own themselves
    environment.finished_one();
}

// §7.1: leave the environment first (no signal can reach the process afterwards), apply the
// link and monitor changes that were still queued so that nobody who linked or monitored in
// time is missed, then tell every linked and monitoring process.
void Process::die(DeathReason reason) {
    environment_.remove(id_);
    mailbox_.drain([&](Signal&& signal) { apply_relations(std::move(signal)); });
    mailbox_.close();
    for (const auto& [peer, tag] : links_)
        environment_.deliver(peer, LinkDiedSignal{id_, tag, reason});
    for (ProcessId watcher : monitors_)
        environment_.deliver(watcher, Message::process_died(id_));
    links_.clear();
    monitors_.clear();
}

bool Process::handle_signals() {
    mailbox_.drain([&](Signal&& signal) { on_control(std::move(signal)); });
    return !dying();
}

void Process::apply_relations(Signal&& signal) {
    switch (signal_kind(signal)) {
    case SignalKind::link: {
        const auto& link = std::get<LinkSignal>(signal);
        links_[link.process] = link.tag;
        break;
    }
    case SignalKind::unlink: links_.erase(std::get<UnlinkSignal>(signal).process); break;
    case SignalKind::monitor: monitors_.insert(std::get<MonitorSignal>(signal).process); break;
    case SignalKind::stop_monitoring:
        monitors_.erase(std::get<StopMonitoringSignal>(signal).process);
        break;
    default: break;
    }
}

void Process::on_control(Signal&& signal) {
    switch (signal_kind(signal)) {
    case SignalKind::kill:
        if (dying_ == Dying::no) dying_ = Dying::killed;
        break;
    case SignalKind::die_when_link_dies:
        die_when_link_dies_ = std::get<DieWhenLinkDiesSignal>(signal).enabled;
        break;
    case SignalKind::link_died: {
        const auto& died = std::get<LinkDiedSignal>(signal);
        if (died.reason == DeathReason::normal) {
            links_.erase(died.process);
            break;
        }
        // A failure only matters while the link still exists here (it may have been
        // unlinked meanwhile); "no such process" comes from our own link() call.
        if (died.reason == DeathReason::failure && links_.erase(died.process) == 0) break;
        if (die_when_link_dies_) {
            if (dying_ == Dying::no) {
                dying_ = died.reason == DeathReason::no_such_process ? Dying::link_missing
                                                                     : Dying::link_failed;
                fatal_link_ = died.process;
            }
        } else {
            mailbox_.deliver(Message::link_died(died.tag));
        }
        break;
    }
    default: apply_relations(std::move(signal)); break;
    }
}

bool Process::wait_for_signal(std::optional<Clock::time_point> deadline,
                              std::span<const IoInterest> interests, std::span<IoEvents> out,
                              const Completion* completion) {
    if (!mailbox_.prepare_wait()) return true; // something arrived meanwhile: look again
    // Completed before the wait mark was set, its notification found no wait to end: look
    // now. Completed later, the notification ends the wait.
    if (completion != nullptr && completion->is_complete()) {
        mailbox_.cancel_wait();
        return false;
    }
    Environment& environment = environment_;
    const ProcessId id = id_;
    TimerService::TimerId timer = 0;
    if (deadline)
        timer = environment.timers().schedule_at(*deadline,
                                                 [&environment, id] { environment.notify(id); });
    // Armed after the wait mark, like the timer: an fd ready already fires at once and ends
    // this wait rather than being missed.
    IoWatches watches(environment.reactor(), interests.size());
    const bool waiting = watches.watch_all(interests, out, environment, id);
    if (waiting) Scheduler::wait();
    // Woken by a signal, the timer, an fd, or early by the scheduler (or not waiting at all):
    // withdraw the mark either way; a wake-up still in flight only makes a later wait()
    // return at once.
    mailbox_.cancel_wait();
    if (timer) environment.timers().cancel(timer);
    return waiting;
}

Process::WaitOutcome Process::receive(std::span<const int64_t> tags,
                                      std::optional<Clock::time_point> deadline,
                                      std::optional<Message>& out, Mailbox::Mark since) {
    for (;;) {
        if (!handle_signals()) return WaitOutcome::dying;
        // Messages before this mark have been rejected by the same filter already.
        const Mailbox::Mark scanned = mailbox_.mark();
        if (auto message = mailbox_.take_first(tags, since)) {
            environment_.scheduler().count(Counter::messages_received);
            out = std::move(message);
            return WaitOutcome::ready;
        }
        if (since.arrival < scanned.arrival) since = scanned;
        if (deadline && Clock::now() >= *deadline) return WaitOutcome::timed_out;
        wait_for_signal(deadline);
    }
}

bool Process::sleep_until(Clock::time_point deadline) {
    for (;;) {
        if (!handle_signals()) return false;
        if (Clock::now() >= deadline) return true;
        wait_for_signal(deadline);
    }
}

bool Process::run_blocking(std::function<void()> job) {
    // Off its own fiber (code running for a process not started yet) it cannot park.
    if (Scheduler::current() != this) {
        job();
        return true;
    }
    auto completion = std::make_shared<Completion>();
    environment_.blocking().submit([job = std::move(job), completion]() mutable {
        job();
        job = nullptr; // what it holds goes first: the waiter owns the result alone
        completion->complete();
    });
    return wait_for(*completion, std::nullopt) == WaitOutcome::ready;
}

Process::WaitOutcome Process::wait_for(Completion& completion,
                                       std::optional<Clock::time_point> deadline) {
    // Off its own fiber (code running for a process not started yet) it cannot park.
    if (Scheduler::current() != this)
        return completion.block_until(deadline ? &*deadline : nullptr) ? WaitOutcome::ready
                                                                       : WaitOutcome::timed_out;
    // Attached before the first look: a completion after that look notifies this process.
    completion.attach(environment_, id_);
    struct Detach {
        Completion& completion;
        ~Detach() { completion.detach(); }
    } detach{completion};
    for (;;) {
        if (!handle_signals()) return WaitOutcome::dying;
        if (completion.is_complete()) return WaitOutcome::ready;
        if (deadline && Clock::now() >= *deadline) return WaitOutcome::timed_out;
        wait_for_signal(deadline, {}, {}, &completion);
    }
}

Process::WaitOutcome Process::wait_ready(std::span<const IoInterest> interests,
                                         std::optional<Clock::time_point> deadline,
                                         std::span<IoEvents> out) {
    // Off its own fiber (code running for a process not started yet) it cannot park.
    if (Scheduler::current() != this)
        return poll_ready(interests, out, deadline) > 0 ? WaitOutcome::ready
                                                        : WaitOutcome::timed_out;
    for (;;) {
        if (!handle_signals()) return WaitOutcome::dying;
        // A look without waiting: the reactor only says when to look again, and what it
        // saw may have been taken by another reader meanwhile.
        if (!interests.empty() && poll_ready(interests, out, Clock::time_point::min()) > 0)
            return WaitOutcome::ready;
        if (deadline && Clock::now() >= *deadline) return WaitOutcome::timed_out;
        if (!wait_for_signal(deadline, interests, out)) return WaitOutcome::ready;
    }
}

void Process::send(ProcessId to, Message&& message) {
    environment_.send(to, std::move(message));
}

void Process::link(ProcessId peer, int64_t tag) {
    links_[peer] = tag;
    if (!environment_.deliver(peer, LinkSignal{id_, tag})) {
        links_.erase(peer);
        mailbox_.push(LinkDiedSignal{peer, tag, DeathReason::no_such_process});
    }
}

void Process::unlink(ProcessId peer) {
    links_.erase(peer);
    environment_.deliver(peer, UnlinkSignal{id_});
}

void Process::monitor(ProcessId target) {
    environment_.deliver(target, MonitorSignal{id_});
}

void Process::stop_monitoring(ProcessId target) {
    environment_.deliver(target, StopMonitoringSignal{id_});
}

void Process::kill(ProcessId target) {
    environment_.deliver(target, KillSignal{});
}

void Process::set_die_when_link_dies(bool enabled) {
    mailbox_.push(DieWhenLinkDiesSignal{enabled});
}

} // namespace tycho::runtime
