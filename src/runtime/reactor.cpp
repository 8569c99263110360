#include "runtime/reactor.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <utility>

namespace tycho::runtime {

namespace {

// An epoll event's data: the fd and the registration it belongs to. The wake-up fd's key
// names no fd (fd numbers are below INT_MAX).
uint64_t key_of(int fd, uint32_t registration) {
    return (uint64_t(registration) << 32) | uint32_t(fd);
}
constexpr uint64_t kWakeKey = UINT64_MAX;

// So that poll_bits_of and io_events_of (io_readiness.h) translate epoll's events too.
static_assert(EPOLLIN == POLLIN && EPOLLOUT == POLLOUT && EPOLLHUP == POLLHUP &&
              EPOLLERR == POLLERR);

constexpr IoEvents kAlwaysReported = IoEvent::hang_up | IoEvent::error;

} // namespace

Reactor::Reactor() {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event wake{};
    wake.events = EPOLLIN;
    wake.data.u64 = kWakeKey;
    if (wake_fd_ < 0 || epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake) != 0) {
        const int error = errno;
        if (wake_fd_ >= 0) close(wake_fd_);
        close(epoll_fd_);
        throw std::system_error(error, std::generic_category(), "reactor wake-up fd");
    }
    thread_ = std::thread([this] { run(); });
}

Reactor::~Reactor() {
    stop();
    close(wake_fd_);
    close(epoll_fd_);
}

void Reactor::stop() {
    {
        std::lock_guard guard(lock_);
        stopping_ = true;
    }
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = write(wake_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
}

Reactor::Watch Reactor::watch(int fd, IoEvents events, Callback callback) {
    events &= IoEvent::readable | IoEvent::writable;
    if (fd < 0) return Watch{Watch::Status::failed, 0, EBADF};
    // The reactor's own fds are not for watching (the wake-up fd's registration must stay).
    if (fd == epoll_fd_ || fd == wake_fd_) return Watch{Watch::Status::failed, 0, EINVAL};
    std::lock_guard guard(lock_);
    if (size_t(fd) >= fds_.size()) fds_.resize(size_t(fd) + 1);
    FdWatches& watches = fds_[size_t(fd)];
    const bool registered = watches.first != kNone;
    if (!registered || (events & ~watches.armed) != 0) {
        const int error = arm(fd, watches, IoEvents(watches.armed | events), registered);
        // epoll refuses fds that are always ready (regular files, /dev/null).
        if (error == EPERM && !registered) return Watch{Watch::Status::always_ready, 0, 0};
        if (error != 0) return Watch{Watch::Status::failed, 0, error};
    }
    const uint32_t slot = allocate_slot();
    Slot& s = slots_[slot];
    s.callback = std::move(callback);
    s.fd = fd;
    s.events = events;
    link(slot, watches);
    if (!registered) ++watched_fds_;
    return Watch{Watch::Status::watching, (WatchId(s.generation) << 32) | slot, 0};
}

bool Reactor::cancel(WatchId id) {
    Callback dropped; // destroyed after the unlock
    std::lock_guard guard(lock_);
    const auto slot = uint32_t(id);
    if (slot >= slots_.size()) return false;
    Slot& s = slots_[slot];
    if (!s.pending || s.generation != uint32_t(id >> 32)) return false;
    dropped = std::move(s.callback);
    const int fd = s.fd;
    FdWatches& watches = fds_[size_t(fd)];
    unlink(slot, watches);
    release(slot);
    if (watches.first == kNone) {
        disarm(fd, watches);
    } else if (watches.wanted() != watches.armed) {
        // Narrowed, so that the others are not woken for what nobody wants any more. A
        // failure changes nothing for them: the wider registration only costs a spurious
        // event, after which the thread re-arms for what is wanted.
        arm(fd, watches, watches.wanted(), true);
    }
    return true;
}

size_t Reactor::pending() const {
    std::lock_guard guard(lock_);
    return pending_;
}

size_t Reactor::watched_fds() const {
    std::lock_guard guard(lock_);
    return watched_fds_;
}

int Reactor::arm(int fd, FdWatches& watches, IoEvents events, bool registered) {
    epoll_event event{};
    event.events = poll_bits_of(events) | EPOLLONESHOT;
    if (registered) {
        event.data.u64 = key_of(fd, watches.registration);
        if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) == 0) {
            watches.armed = events;
            return 0;
        }
        // ENOENT: the fd was closed and its number reused while watched (against the
        // rules); register what the number names now.
        if (errno != ENOENT) return errno;
    }
    event.data.u64 = key_of(fd, ++watches.registration);
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0 &&
        (errno != EEXIST || epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) != 0))
        return errno;
    watches.armed = events;
    return 0;
}

void Reactor::disarm(int fd, FdWatches& watches) {
    // Fails only if the fd was closed while watched, which took it out of epoll already.
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    watches.armed = 0;
    --watched_fds_;
}

void Reactor::link(uint32_t slot, FdWatches& watches) {
    Slot& s = slots_[slot];
    s.previous = watches.last;
    s.next = kNone;
    if (watches.last == kNone)
        watches.first = slot;
    else
        slots_[watches.last].next = slot;
    watches.last = slot;
    if (s.events & IoEvent::readable) ++watches.readers;
    if (s.events & IoEvent::writable) ++watches.writers;
    s.pending = true;
    ++pending_;
}

void Reactor::unlink(uint32_t slot, FdWatches& watches) {
    Slot& s = slots_[slot];
    if (s.previous == kNone)
        watches.first = s.next;
    else
        slots_[s.previous].next = s.next;
    if (s.next == kNone)
        watches.last = s.previous;
    else
        slots_[s.next].previous = s.previous;
    if (s.events & IoEvent::readable) --watches.readers;
    if (s.events & IoEvent::writable) --watches.writers;
    s.pending = false;
    --pending_;
}

uint32_t Reactor::allocate_slot() {
    if (free_slots_.empty()) {
        slots_.emplace_back();
        return uint32_t(slots_.size() - 1);
    }
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
}

void Reactor::release(uint32_t slot) {
    Slot& s = slots_[slot];
    if (++s.generation == 0) s.generation = 1; // ids are never 0
    free_slots_.push_back(slot);
}

void Reactor::dispatch(uint64_t key, uint32_t epoll_events) {
    const auto fd = uint32_t(key);
    if (fd >= fds_.size()) return;
    FdWatches& watches = fds_[fd];
    // Not watched any more, or an event of an earlier registration of the same number.
    if (watches.first == kNone || watches.registration != uint32_t(key >> 32)) return;
    const IoEvents ready = io_events_of(epoll_events);
    auto take = [&](uint32_t slot, IoEvents reported) {
        fired_.push_back(Firing{std::move(slots_[slot].callback), reported});
        unlink(slot, watches);
        release(slot);
    };
    for (uint32_t slot = watches.first; slot != kNone;) {
        const uint32_t next = slots_[slot].next;
        const IoEvents mine = ready & (slots_[slot].events | kAlwaysReported);
        if (mine != 0) take(slot, mine);
        slot = next;
    }
    if (watches.first == kNone) {
        disarm(int(fd), watches);
        return;
    }
    // The registration is one-shot: arm it again for those still waiting. If the fd cannot
    // be armed any more (closed while watched), they learn it now instead of never.
    if (arm(int(fd), watches, watches.wanted(), true) != 0) {
        while (watches.first != kNone)
            take(watches.first, IoEvent::error);
        disarm(int(fd), watches);
    }
}

void Reactor::run() {
    constexpr size_t kBatch = 256;
    std::array<epoll_event, kBatch> events{};
    for (;;) {
        const int count = epoll_wait(epoll_fd_, events.data(), int(kBatch), -1);
        if (count < 0 && errno != EINTR) return; // only for a broken epoll fd
        std::unique_lock lock(lock_);
        if (stopping_) return;
        for (int i = 0; i < count; ++i)
            if (events[size_t(i)].data.u64 != kWakeKey)
                dispatch(events[size_t(i)].data.u64, events[size_t(i)].events);
        lock.unlock(); // callbacks may watch or cancel
        for (Firing& firing : fired_)
            if (firing.callback) firing.callback(firing.ready);
        fired_.clear(); // whatever the callbacks hold goes before the lock is taken again
    }
}

} // namespace tycho::runtime
