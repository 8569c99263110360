// Readiness of host file descriptors (stdin, pipes, later sockets) for processes that wait
// for them without holding a worker thread: one thread waits in epoll for every fd that
// someone waits on and runs the callbacks of those that became ready. Callbacks run on that
// thread and must be short (wake a task). Process::wait_ready builds on it.
//
// A watch is a one-shot interest: its callback runs at most once. Any number of watches may
// name the same fd (many processes writing to one stdout pipe); the fd is in epoll exactly
// while it has watches, armed one-shot for what they want together and re-armed after each
// event while some remain, so a quiet fd costs nothing and a closed one leaves nothing
// behind. An fd must stay open while it has watches (cancel them before closing it).
#pragma once

#include "runtime/io_readiness.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tycho::runtime {

class Reactor {
  public:
    // Gets what the fd is ready for: some of the watch's events, plus hang_up and error.
    using Callback = std::function<void(IoEvents)>;
    using WatchId = uint64_t; // never 0

    // The outcome of watch().
    struct Watch {
        enum class Status : uint8_t {
            watching,     // `id` names the watch; the callback will run once, or be cancelled
            always_ready, // epoll cannot wait for this fd (a regular file, /dev/null): go ahead
            failed,       // nothing is watched; `error` says why (EBADF: not an open fd)
        };
        Status status = Status::failed;
        WatchId id = 0;
        int error = 0;
    };

    // Throws std::system_error when the kernel refuses an epoll instance or its wake-up fd.
    Reactor();
    // Stops the thread (see stop()) and closes the epoll instance.
    ~Reactor();
    Reactor(const Reactor&) = delete;
    Reactor& operator=(const Reactor&) = delete;

    // Runs `callback` once when `fd` is ready for any of `events` (readable, writable, both,
    // or neither: then only for the next two), or hangs up, or has an error. Readiness is
    // level-triggered: an fd that is ready already fires at once. The callback is never
    // called from within watch(). Any thread.
    Watch watch(int fd, IoEvents events, Callback callback);
    // True if the watch was pending and now never fires; false if it already fired (or is
    // firing right now) or never existed. Any thread.
    bool cancel(WatchId id);

    // Pending watches, and the fds they keep registered with epoll.
    size_t pending() const;
    size_t watched_fds() const;

    // Stops the thread, after the callbacks it may be running: watches never fire from then
    // on. For teardown: whatever the callbacks reach may then go, while the reactor itself
    // stays usable (a no-op) until it is destroyed.
    void stop();

  private:
    static constexpr uint32_t kNone = UINT32_MAX;
    // A watch lives in a slot, which is recycled after it fires or is cancelled; its id is
    // (generation << 32 | slot), so a stale id matches nothing. The watches of one fd form
    // a doubly linked list through their slots (any one leaves in constant time).
    struct Slot {
        Callback callback;
        int fd = -1;
        IoEvents events = 0;
        bool pending = false;
        uint32_t generation = 1;
        uint32_t previous = kNone;
        uint32_t next = kNone;
    };
    // One fd, indexed by its number. `registration` counts the fd's epoll registrations:
    // each event carries it, so an event that epoll reported before the fd left is ignored
    // when the same number has been registered again meanwhile.
    struct FdWatches {
        uint32_t first = kNone; // kNone: not in epoll
        uint32_t last = kNone;
        uint32_t registration = 0;
        uint32_t readers = 0; // watches that want readable, and writable: what the fd
        uint32_t writers = 0; // is armed for once an event has passed or a watch has gone
        IoEvents armed = 0;   // what the registration asks for now
        IoEvents wanted() const {
            return IoEvents((readers ? IoEvent::readable : 0) | (writers ? IoEvent::writable : 0));
        }
    };
    // A callback taken out of its slot by the thread, run after the lock is released.
    struct Firing {
        Callback callback;
        IoEvents ready;
    };

    void run();
    // Takes the watches the event on `key` satisfies into fired_ and re-arms or removes the
    // fd; the caller holds lock_.
    void dispatch(uint64_t key, uint32_t epoll_events);
    // Registers or re-arms `fd` for `events`; 0 or an errno.
    int arm(int fd, FdWatches& watches, IoEvents events, bool registered);
    // Takes the fd out of epoll once its last watch has gone.
    void disarm(int fd, FdWatches& watches);
    void link(uint32_t slot, FdWatches& watches);
    void unlink(uint32_t slot, FdWatches& watches);
    uint32_t allocate_slot();
    void release(uint32_t slot);

    mutable std::mutex lock_;
    std::vector<Slot> slots_;
    std::vector<uint32_t> free_slots_;
    std::vector<FdWatches> fds_;
    size_t pending_ = 0;
    size_t watched_fds_ = 0;
    std::vector<Firing> fired_; // the thread's, between dispatch() and running them
    bool stopping_ = false;
    int epoll_fd_ = -1;
    int wake_fd_ = -1; // an eventfd in epoll that interrupts the thread's wait (stop())
    std::thread thread_;
};

} // namespace tycho::runtime
