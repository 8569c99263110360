// The baseline of bench/idle_connections.sh: the protocol of the load server guest
// (tests/net/guests/load_server.c) served natively by one thread with epoll, with one
// descriptor and one small buffer per connection and no process, so that the benchmark
// shows what a Tycho process adds to an idle connection.
//
//   tycho-idle-server [PORT]    # 0 (the default): a port the system picks
//
// Listens on 127.0.0.1 and prints "listening on PORT". A line is answered with itself;
// "#handlers" with "handlers N", N the other connections open; "#await N" with the same
// once exactly N others are open. A line longer than 255 bytes closes the connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr size_t kLineLimit = 255;

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "idle_server: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

class Server {
  public:
    explicit Server(uint16_t port) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (listener_ < 0) die("socket");
        const int on = 1;
        ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            die("bind");
        if (::listen(listener_, SOMAXCONN) != 0) die("listen");
        socklen_t size = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
        port_ = ntohs(address.sin_port);
        epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
        if (epoll_ < 0) die("epoll_create1");
        watch(listener_);
    }

    uint16_t port() const { return port_; }

    [[noreturn]] void run() {
        epoll_event events[256];
        for (;;) {
            const int ready = ::epoll_wait(epoll_, events, 256, -1);
            if (ready < 0 && errno != EINTR) die("epoll_wait");
            for (int i = 0; i < ready; ++i) {
                if (events[i].data.fd == listener_)
                    accept_all();
                else
                    receive(events[i].data.fd);
            }
        }
    }

  private:
    struct Waiter {
        int fd;
        size_t awaited;
    };

    void watch(int fd) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = fd;
        if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) die("epoll_ctl");
    }

    void accept_all() {
        for (;;) {
            const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EAGAIN || errno == ECONNABORTED) return;
                die("accept4"); // out of descriptors: the benchmark's figures would be wrong
            }
            if (size_t(fd) >= buffers_.size()) buffers_.resize(size_t(fd) + 1);
            buffers_[size_t(fd)].clear();
            watch(fd);
            ++open_;
            settle_waiters();
        }
    }

    void close_connection(int fd) {
        ::close(fd); // leaves epoll with it
        buffers_[size_t(fd)].clear();
        buffers_[size_t(fd)].shrink_to_fit();
        --open_;
        for (size_t i = 0; i < waiters_.size();)
            if (waiters_[i].fd == fd) {
                waiters_[i] = waiters_.back();
                waiters_.pop_back();
            } else {
                ++i;
            }
        settle_waiters();
    }

    void receive(int fd) {
        char data[4096];
        const ssize_t got = ::recv(fd, data, sizeof data, 0);
        if (got < 0 && errno == EAGAIN) return;
        if (got <= 0) return close_connection(fd);
        std::string& buffer = buffers_[size_t(fd)];
        buffer.append(data, size_t(got));
        size_t newline;
        while ((newline = buffer.find('\n')) != std::string::npos) {
            const std::string line = buffer.substr(0, newline);
            buffer.erase(0, newline + 1);
            if (!answer(fd, line)) return close_connection(fd);
        }
        if (buffer.size() > kLineLimit) close_connection(fd);
    }

    // False when the connection failed.
    bool answer(int fd, const std::string& line) {
        if (line.empty() || line[0] != '#') return reply(fd, line);
        if (line == "#handlers") return reply(fd, "handlers " + std::to_string(open_ - 1));
        if (line.rfind("#await ", 0) == 0) {
            char* end = nullptr;
            const unsigned long long awaited = std::strtoull(line.c_str() + 7, &end, 10);
            if (end != line.c_str() + 7 && *end == '\0') {
                waiters_.push_back({fd, size_t(awaited)});
                settle_waiters();
                return true;
            }
        }
        return reply(fd, "error: unknown request");
    }

    // A short line into an idle connection's empty send buffer goes out whole.
    static bool reply(int fd, const std::string& line) {
        const std::string data = line + "\n";
        return ::send(fd, data.data(), data.size(), MSG_NOSIGNAL) == ssize_t(data.size());
    }

    void settle_waiters() {
        for (size_t i = 0; i < waiters_.size();) {
            if (waiters_[i].awaited == open_ - 1) {
                reply(waiters_[i].fd, "handlers " + std::to_string(open_ - 1));
                waiters_[i] = waiters_.back();
                waiters_.pop_back();
            } else {
                ++i;
            }
        }
    }

    int listener_ = -1;
    int epoll_ = -1;
    uint16_t port_ = 0;
    size_t open_ = 0;
    std::vector<std::string> buffers_; // by descriptor
    std::vector<Waiter> waiters_;
};

} // namespace

int main(int argc, char** argv) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    Server server(uint16_t(argc > 1 ? std::atoi(argv[1]) : 0));
    std::printf("listening on %u\n", server.port());
    std::fflush(stdout);
    server.run();
}
