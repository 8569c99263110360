// What every WASI function body shares (Call in wasi_functions.h): finding and checking
// descriptors, reading path arguments, installing a new descriptor, and waiting through the
// binding or, without one, on the calling thread.
#include "host/wasi/wasi_functions.h"

#include <algorithm>
#include <ctime>
#include <poll.h>
#include <vector>

namespace tycho::host::wasi {

using Clock = WasiBinding::Clock;

Descriptor* Call::checked(uint32_t fd, uint64_t needed, Errno& error,
                          bool (*fits)(const Descriptor&), Errno misfit) {
    Descriptor* d = descriptor(fd);
    if (d == nullptr) {
        error = Errno::Badf;
        return nullptr;
    }
    if (fits != nullptr && !fits(*d)) {
        error = misfit;
        return nullptr;
    }
    if (!d->has(needed)) {
        error = Errno::Notcapable;
        return nullptr;
    }
    return d;
}

std::optional<std::string_view> Call::path(uint32_t ptr, uint32_t len, Errno& error) {
    if (!memory.bytes(ptr, len)) {
        error = Errno::Fault;
        return std::nullopt;
    }
    auto text = memory.utf8(ptr, len);
    if (!text) error = Errno::Ilseq;
    return text;
}

Errno Call::install(Descriptor d, uint32_t fd_out) {
    auto number = context.fds.insert(std::move(d));
    if (!number) return Errno::Mfile;
    memory.store<uint32_t>(fd_out, *number);
    return Errno::Success;
}

WaitResult Call::wait(std::span<const IoInterest> interests,
                      std::optional<Clock::time_point> deadline, std::span<short> revents) {
    if (binding.wait != nullptr) return binding.wait(caller, interests, deadline, revents);
    std::vector<pollfd> fds;
    fds.reserve(interests.size());
    for (const IoInterest& i : interests)
        fds.push_back({i.fd, i.events, 0});
    for (;;) {
        timespec limit{};
        timespec* timeout = nullptr;
        if (deadline) {
            const auto left = std::max(Clock::duration::zero(), *deadline - Clock::now());
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
            limit.tv_sec = time_t(ns / 1'000'000'000);
            limit.tv_nsec = long(ns % 1'000'000'000);
            timeout = &limit;
        }
        const int n = ::ppoll(fds.data(), fds.size(), timeout, nullptr);
        if (n < 0 && errno == EINTR) continue;
        for (size_t i = 0; i < fds.size() && i < revents.size(); ++i)
            revents[i] = fds[i].revents;
        if (n > 0) return WaitResult::ready;
        if (n == 0 && deadline && Clock::now() < *deadline) continue;
        return WaitResult::timed_out;
    }
}

bool Call::run_blocking(std::function<void()> job) {
    if (binding.run_blocking != nullptr) return binding.run_blocking(caller, std::move(job));
    job();
    return true;
}

} // namespace tycho::host::wasi
