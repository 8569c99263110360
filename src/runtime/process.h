// A process (lunatic-abi.md §6-7): a task with an id, a mailbox, links, monitors and the rules
// for how it ends. What the process runs is up to a subclass (the host layer runs a Wasm
// instance); this class knows nothing of Wasm.
//
// Signals are handled only on the process's own fiber, at handling points: whenever it waits
// (receive, sleep, a blocking job, fd readiness) and whenever the subclass calls handle_signals()
// (at every preemption). A kill or the failure of a linked process (with die_when_link_dies on)
// marks the process as dying; the subclass must then unwind and return from run().
#pragma once

#include "runtime/completion.h"
#include "runtime/environment.h"
#include "runtime/io_readiness.h"
#include "runtime/mailbox.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace tycho::runtime {

class Process : public Task {
  public:
    using Clock = std::chrono::steady_clock;

    Process(Environment& environment, ProcessId id, FiberStack stack);
    ~Process() override;

    ProcessId id() const { return id_; }
    Environment& environment() const { return environment_; }

    // Records this side of a link without telling the peer. Spawning with a link (§7.2) sets
    // up both sides this way before the child starts: on the child before start(), on the
    // parent from its own fiber.
    void add_link_entry(ProcessId peer, int64_t tag) { links_[peer] = tag; }

    // ---- On the process's own fiber -------------------------------------------------------
    // Handles every queued signal; false when the process must now end (see dying()).
    bool handle_signals();
    // Set once a kill or a linked failure has condemned the process; the reason is failure.
    bool dying() const { return dying_ != Dying::no; }
    // Why it is dying, for reports: "killed", or "killed because linked process 7 failed".
    std::string dying_cause() const;
    // The linked process whose failure condemned this one (or that did not exist when this
    // one linked to it); nullopt when it is not dying, or dying from a kill.
    std::optional<ProcessId> fatal_link() const {
        if (dying_ == Dying::link_failed || dying_ == Dying::link_missing) return fatal_link_;
        return std::nullopt;
    }

    enum class WaitOutcome { ready, timed_out, dying };
    // The oldest message passing `tags` (empty = any) that arrived at or after `since`,
    // waiting until `deadline` (nullopt = forever). A deadline in the past still looks once.
    // `out` is assigned only when the outcome is ready.
    WaitOutcome receive(std::span<const int64_t> tags, std::optional<Clock::time_point> deadline,
                        std::optional<Message>& out, Mailbox::Mark since = {});
    // Sleeps until `deadline`; messages do not end it, a kill does (returns false).
    bool sleep_until(Clock::time_point deadline);
    // Runs `job` on the environment's blocking pool and parks until it has finished, so this
    // process's worker runs others meanwhile; signals are handled while parked. False when
    // the process must die first (a kill, a linked failure): it stops waiting at once and
    // the job finishes on its own, so the job must own or share everything it touches
    // (nothing of this process) and report its result through what it shares. Called off
    // this process's fiber (for a process not started yet), it runs the job right there.
    bool run_blocking(std::function<void()> job);
    // Parks until `completion` is complete (completion.h), `deadline` passes (nullopt =
    // never) or the process must die; messages do not end it. Whatever completes it runs
    // elsewhere (a thread of its own, a pool), so this process's worker runs others
    // meanwhile. A deadline in the past still looks once. Called off this process's fiber
    // (for a process not started yet), it blocks the calling thread instead.
    WaitOutcome wait_for(Completion& completion, std::optional<Clock::time_point> deadline);
    // Parks until one of `interests` is ready (io_readiness.h), `deadline` passes (nullopt =
    // never) or the process must die; messages do not end it. The fds wait in the
    // environment's reactor, so this process's worker runs others meanwhile. When the
    // outcome is ready, out[i] (out has interests.size() entries) is what interests[i] is
    // ready for: its asked events, plus hang_up and error; 0 if nothing. A deadline in the
    // past still looks once; no interests and a deadline make a plain sleep. Called off this
    // process's fiber (for a process not started yet), it waits with poll(2) right there.
    WaitOutcome wait_ready(std::span<const IoInterest> interests,
                           std::optional<Clock::time_point> deadline, std::span<IoEvents> out);
    Mailbox::Mark mailbox_mark() const { return mailbox_.mark(); }

    // Sends to any process of the environment (itself included); dropped when it is gone.
    void send(ProcessId to, Message&& message);
    // §7.2-7.4. All are fire-and-forget and never fail.
    void link(ProcessId peer, int64_t tag);
    void unlink(ProcessId peer);
    void monitor(ProcessId target);
    void stop_monitoring(ProcessId target);
    void kill(ProcessId target);
    // Applied through the process's own signal queue, in order with what is already queued.
    void set_die_when_link_dies(bool enabled);

  protected:
    // The body; returns how the process ended (normal or failure).
    virtual DeathReason run() = 0;
    // Called when the task is over, off the fiber; the default deletes the process.
    void finished() override;

  private:
    friend class Environment; // pushes into the mailbox holding its table shard's lock
    void main() final;
    void on_control(Signal&& signal);
    void apply_relations(Signal&& signal); // link/unlink/monitor/stop_monitoring only
    void die(DeathReason reason);
    // One suspension: prepare, wait, withdraw. `deadline` arms a timer that ends the wait,
    // and each of `interests` a reactor watch. False, without waiting, when an interest
    // needs no wait (an fd epoll cannot watch, which is always ready) or cannot be watched
    // (reported as an error): out[i] then says so. With `completion` (attached to this
    // process), also false without waiting when it is complete already.
    bool wait_for_signal(std::optional<Clock::time_point> deadline,
                         std::span<const IoInterest> interests = {}, std::span<IoEvents> out = {},
                         const Completion* completion = nullptr);

    enum class Dying : uint8_t { no, killed, link_failed, link_missing };

    Environment& environment_;
    const ProcessId id_;
    Mailbox mailbox_;
    std::unordered_map<ProcessId, int64_t> links_; // peer -> the tag this side stored
    std::unordered_set<ProcessId> monitors_;       // processes monitoring this one
    bool die_when_link_dies_ = true;
    Dying dying_ = Dying::no;
    ProcessId fatal_link_ = 0;         // the peer behind link_failed / link_missing
    Process* next_in_shard_ = nullptr; // the environment's table; guarded by the shard's lock
};

} // namespace tycho::runtime
