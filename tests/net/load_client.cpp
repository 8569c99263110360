// A load driver for a line server on loopback (tests/net/guests/load_server.c, and
// bench/idle_server.cpp): one thread and epoll, thousands of TCP connections at once, each
// bound first to one of several loopback source addresses (127.0.0.2, 127.0.0.3, ...) so
// that ephemeral ports never run out. It raises its own soft limit on open descriptors to
// the hard one, and fails saying so when even that is too low.
//
//   load_client --port PORT [--sources K] [--concurrency C] [--timeout SECONDS] SCENARIO
//
// Scenarios (every count is confirmed by the server through a control connection, with
// "#handlers" and "#await N"; see load_server.c):
//   hold N [--pause]  opens N connections; each sends a line and gets it back while all are
//                     open; the server confirms N handlers; with --pause, waits for a line
//                     (or the end) on stdin; then closes all and the server confirms that
//                     their handlers ended. Prints the time it took to establish them.
//   vanish N M        N clients send half a request line and vanish, half of them closing,
//                     half resetting (SO_LINGER 0) once the server confirms their handlers;
//                     meanwhile M others are served; the server confirms that the
//                     vanished ones' handlers ended, then that the others' did.
//   slow M            one client sends a request line one byte per second; after its first
//                     byte, M others connect, are answered and close, and all of them must
//                     be done before the slow client sends its last byte; then it gets its
//                     answer.
// Any error, an unexpected answer, a connection the server closes, or the deadline
// (--timeout, default 50 s) ends the run with status 1 and a message on stderr.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "load_client: %s\n", message.c_str());
    std::exit(1);
}

std::string os_error(int error) {
    return std::string(std::strerror(error)) + " (errno " + std::to_string(error) + ")";
}

class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        reset(std::exchange(other.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }
    int get() const { return fd_; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

struct Options {
    in_addr server{};
    uint16_t port = 0;
    unsigned sources = 16;    // 127.0.0.2 ... 127.0.0.(sources + 1)
    size_t concurrency = 500; // connections connecting or awaiting their first answer
    double timeout_seconds = 50;
    std::string scenario;
    std::vector<std::string> arguments;
    bool pause = false;
};

// Raises the soft limit on open descriptors to the hard one; fails when `needed` do not fit.
void raise_descriptor_limit(size_t needed, const std::string& why) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) fail("getrlimit: " + os_error(errno));
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed)
        fail(why + " need " + std::to_string(needed) +
             " open descriptors, but the hard limit (ulimit -Hn) is " +
             std::to_string(limit.rlim_max) + "; raise it, as root: ulimit -Hn " +
             std::to_string(needed));
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
            fail("raising the soft limit on open descriptors: " + os_error(errno));
    }
}

// One client connection.
struct Connection {
    enum class State : uint8_t { connecting, open, closed };
    UniqueFd fd;
    State state = State::connecting;
    bool awaiting = false; // a request is out and its answer line has not come
    bool close_on_answer = false;
    bool echo_client = false; // one of the queued "hello I" clients
    bool answered = false;    // an answer came (the last one is in `answer`)
    bool counted_in_flight = false;
    std::string out;      // bytes still to send
    std::string in;       // received bytes not yet forming a line
    std::string expected; // the answer awaited, if fixed
    std::string answer;
};

class Driver {
  public:
    explicit Driver(const Options& options)
        : options_(options), epoll_(::epoll_create1(EPOLL_CLOEXEC)),
          deadline_(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(options.timeout_seconds))) {
        if (epoll_.get() < 0) fail("epoll_create1: " + os_error(errno));
    }

    // Opens a connection that sends `request` (a line with its newline, or part of one,
    // or nothing) once connected. With `await_answer`, an answer line is awaited, which must
    // equal `expected` unless that is empty.
    size_t open(std::string request, bool await_answer, std::string expected = {}) {
        const size_t index = connections_.size();
        Connection& connection = connections_.emplace_back();
        connection.fd = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (connection.fd.get() < 0) fail("socket: " + os_error(errno));
        const int fd = connection.fd.get();
        // The port is picked at connect time, per destination: a source address then holds
        // a whole range of ephemeral ports for each server.
        const int on = 1;
        ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
        sockaddr_in source{};
        source.sin_family = AF_INET;
        source.sin_addr.s_addr = htonl((127u << 24) | (2 + unsigned(index % options_.sources)));
        if (::bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0)
            fail("binding connection " + std::to_string(index) + " to " + source_name(index) +
                 ": " + os_error(errno));
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_addr = options_.server;
        server.sin_port = htons(options_.port);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0 &&
            errno != EINPROGRESS) {
            const int error = errno;
            fail("connection " + std::to_string(index) + " from " + source_name(index) + ": " +
                 os_error(error) +
                 (error == EADDRNOTAVAIL ? ": out of ephemeral ports; use more --sources" : ""));
        }
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
        event.data.u64 = index;
        if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0)
            fail("epoll_ctl: " + os_error(errno));
        connection.out = std::move(request);
        connection.awaiting = await_answer;
        connection.expected = std::move(expected);
        if (await_answer) {
            connection.counted_in_flight = true;
            ++in_flight_;
        }
        ++open_;
        return index;
    }

    // Queues `count` echo clients: connections that each send "hello I" and await it back,
    // opened as the concurrency allows; `close_on_answer` closes each once answered.
    void queue_echo_clients(size_t count, bool close_on_answer) {
        queued_ += count;
        echo_clients_ += count;
        queued_close_on_answer_ = close_on_answer;
    }
    // Whether every echo client queued so far has been answered.
    bool echo_clients_done() const { return queued_ == 0 && echo_answered_ == echo_clients_; }

    // Closes the connections opened since `first` (those still open).
    void close_from(size_t first) {
        for (size_t index = first; index < connections_.size(); ++index)
            close(index, false);
    }

    // Sends `line` (plus its newline) on connection `index` and waits for an answer line.
    std::string ask(size_t index, const std::string& line) {
        Connection& connection = connections_[index];
        connection.out += line + "\n";
        connection.awaiting = true;
        connection.answered = false;
        connection.expected.clear();
        flush(index);
        run_until([&] { return connections_[index].answered; }, "the answer to '" + line + "'");
        return connections_[index].answer;
    }

    // Asks "#await N" on `control` and checks the answer.
    void await_handlers(size_t control, size_t count) {
        const std::string answer = ask(control, "#await " + std::to_string(count));
        if (answer != "handlers " + std::to_string(count))
            fail("asked the server to await " + std::to_string(count) + " handlers, got '" +
                 answer + "'");
    }

    // Sends more bytes on an open connection.
    void send(size_t index, const std::string& bytes) {
        connections_[index].out += bytes;
        flush(index);
    }

    void close(size_t index, bool reset) {
        Connection& connection = connections_[index];
        if (connection.state == Connection::State::closed) return;
        if (reset) {
            const linger abort{1, 0};
            ::setsockopt(connection.fd.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        }
        connection.fd.reset();
        connection.state = Connection::State::closed;
        --open_;
        if (connection.counted_in_flight) --in_flight_;
        connection.counted_in_flight = false;
    }

    // Handles events until `done()` holds; fails at the deadline, naming `what`.
    void run_until(const std::function<bool()>& done, const std::string& what) {
        epoll_event events[256];
        for (;;) {
            start_queued();
            if (done()) return;
            const auto left = deadline_ - Clock::now();
            if (left <= Clock::duration::zero())
                fail("gave up after " + std::to_string(int(options_.timeout_seconds)) +
                     " s waiting for " + what + " (" + std::to_string(open_) +
                     " connections open, " + std::to_string(answered_) + " answers)");
            const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(left);
            const int ready = ::epoll_wait(epoll_.get(), events, 256,
                                           int(std::min<int64_t>(wait_ms.count() + 1, 100)));
            if (ready < 0 && errno != EINTR) fail("epoll_wait: " + os_error(errno));
            for (int i = 0; i < ready; ++i) {
                if (events[i].data.u64 == kStdinKey)
                    stdin_ready_ = true;
                else
                    handle(size_t(events[i].data.u64), events[i].events);
            }
        }
    }

    // Waits until stdin has a line or ends, still watching every connection; the time
    // spent waiting does not count against the deadline.
    void wait_for_stdin() {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = kStdinKey;
        if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, STDIN_FILENO, &event) != 0) {
            if (errno == EPERM) return; // a regular file or /dev/null: it has ended already
            fail("watching stdin: " + os_error(errno));
        }
        const auto left = deadline_ - Clock::now();
        deadline_ = Clock::time_point::max();
        run_until([&] { return stdin_ready_; }, "stdin");
        deadline_ = Clock::now() + left;
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, STDIN_FILENO, nullptr);
    }

    // Makes connection `index` await the answer `expected` to what it sends next.
    void expect_answer(size_t index, std::string expected) {
        Connection& connection = connections_[index];
        connection.awaiting = true;
        connection.answered = false;
        connection.expected = std::move(expected);
    }

    const Connection& operator[](size_t index) const { return connections_[index]; }
    size_t size() const { return connections_.size(); }
    size_t echo_answered() const { return echo_answered_; }

  private:
    static constexpr uint64_t kStdinKey = UINT64_MAX;

    std::string source_name(size_t index) const {
        return "127.0.0." + std::to_string(2 + index % options_.sources);
    }
    std::string describe(size_t index) const {
        return "connection " + std::to_string(index) + " (from " + source_name(index) + ")";
    }

    void start_queued() {
        while (queued_ > 0 && in_flight_ < options_.concurrency) {
            const size_t number = connections_.size();
            std::string line = "hello " + std::to_string(number);
            const size_t index = open(line + "\n", true, line);
            connections_[index].echo_client = true;
            connections_[index].close_on_answer = queued_close_on_answer_;
            --queued_;
        }
    }

    void handle(size_t index, uint32_t events) {
        Connection& connection = connections_[index];
        if (connection.state == Connection::State::closed) return;
        if (connection.state == Connection::State::connecting) {
            int error = 0;
            socklen_t size = sizeof error;
            ::getsockopt(connection.fd.get(), SOL_SOCKET, SO_ERROR, &error, &size);
            if (error != 0) fail(describe(index) + ": connect: " + os_error(error));
            if (!(events & (EPOLLOUT | EPOLLIN | EPOLLRDHUP))) return;
            connection.state = Connection::State::open;
        }
        if (events & EPOLLOUT) flush(index);
        if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) receive(index);
    }

    // Sends what is pending; watches for writability only while something is.
    void flush(size_t index) {
        Connection& connection = connections_[index];
        if (connection.state != Connection::State::open) return;
        while (!connection.out.empty()) {
            const ssize_t sent = ::send(connection.fd.get(), connection.out.data(),
                                        connection.out.size(), MSG_NOSIGNAL);
            if (sent < 0 && errno == EAGAIN) break;
            if (sent < 0) fail(describe(index) + ": send: " + os_error(errno));
            connection.out.erase(0, size_t(sent));
        }
        epoll_event event{};
        event.events = EPOLLIN | EPOLLRDHUP | (connection.out.empty() ? 0 : EPOLLOUT);
        event.data.u64 = index;
        if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, connection.fd.get(), &event) != 0)
            fail("epoll_ctl: " + os_error(errno));
    }

    void receive(size_t index) {
        Connection& connection = connections_[index];
        char buffer[4096];
        for (;;) {
            const ssize_t got = ::recv(connection.fd.get(), buffer, sizeof buffer, 0);
            if (got < 0 && errno == EAGAIN) return;
            if (got < 0) fail(describe(index) + ": the server reset it: " + os_error(errno));
            if (got == 0) fail(describe(index) + ": the server closed it");
            connection.in.append(buffer, size_t(got));
            size_t newline;
            while ((newline = connection.in.find('\n')) != std::string::npos) {
                std::string line = connection.in.substr(0, newline);
                connection.in.erase(0, newline + 1);
                take_answer(index, std::move(line));
                if (connection.state == Connection::State::closed) return;
            }
        }
    }

    void take_answer(size_t index, std::string line) {
        Connection& connection = connections_[index];
        if (!connection.awaiting)
            fail(describe(index) + ": the server sent '" + line + "' unasked");
        if (!connection.expected.empty() && line != connection.expected)
            fail(describe(index) + ": sent '" + connection.expected + "', got '" + line + "' back");
        connection.awaiting = false;
        connection.answered = true;
        connection.answer = std::move(line);
        ++answered_;
        if (connection.echo_client) ++echo_answered_;
        if (connection.counted_in_flight) --in_flight_;
        connection.counted_in_flight = false;
        if (connection.close_on_answer) close(index, false);
    }

    const Options& options_;
    UniqueFd epoll_;
    Clock::time_point deadline_;
    std::vector<Connection> connections_;
    size_t open_ = 0;
    size_t in_flight_ = 0;
    size_t answered_ = 0;
    size_t queued_ = 0;
    size_t echo_clients_ = 0;
    size_t echo_answered_ = 0;
    bool queued_close_on_answer_ = false;
    bool stdin_ready_ = false;
};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A fresh control connection; returns it and the count of handlers it sees besides itself.
std::pair<size_t, size_t> open_control(Driver& driver) {
    const size_t control = driver.open({}, false);
    const std::string answer = driver.ask(control, "#handlers");
    size_t base = 0;
    if (std::sscanf(answer.c_str(), "handlers %zu", &base) != 1)
        fail("the control connection got '" + answer + "' to '#handlers'");
    return {control, base};
}

size_t count_argument(const Options& options, size_t position, const char* what) {
    if (options.arguments.size() <= position) fail(std::string("missing ") + what);
    const std::string& text = options.arguments[position];
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value == 0)
        fail(std::string(what) + " must be a positive number, got '" + text + "'");
    return size_t(value);
}

int hold(const Options& options) {
    const size_t count = count_argument(options, 0, "the connection count");
    raise_descriptor_limit(count + 32, std::to_string(count) + " connections");
    Driver driver(options);
    const auto [control, base] = open_control(driver);

    const auto start = Clock::now();
    const size_t first = driver.size();
    driver.queue_echo_clients(count, false);
    driver.run_until([&] { return driver.echo_clients_done(); }, "every connection's answer");
    const double established = seconds_since(start);
    driver.await_handlers(control, base + count);
    std::printf("established %zu connections in %.3f s (%.0f per second); the server has %zu "
                "handlers\n",
                count, established, double(count) / established, base + count);
    std::fflush(stdout);

    if (options.pause) {
        std::printf("holding %zu connections: a line on stdin closes them\n", count);
        std::fflush(stdout);
        driver.wait_for_stdin();
    }
    driver.close_from(first);
    driver.await_handlers(control, base);
    std::printf("closed %zu connections; the server has %zu handlers\n", count, base);
    return 0;
}

int vanish(const Options& options) {
    const size_t vanishing = count_argument(options, 0, "the count of vanishing clients");
    const size_t served = count_argument(options, 1, "the count of served clients");
    raise_descriptor_limit(vanishing + served + 32,
                           std::to_string(vanishing + served) + " connections");
    Driver driver(options);
    const auto [control, base] = open_control(driver);

    std::vector<size_t> vanishers;
    vanishers.reserve(vanishing);
    for (size_t i = 0; i < vanishing; ++i)
        vanishers.push_back(driver.open("half a requ", false));
    driver.run_until(
        [&] {
            for (size_t index : vanishers)
                if (driver[index].state != Connection::State::open || !driver[index].out.empty())
                    return false;
            return true;
        },
        "every vanishing client to send its half line");
    driver.await_handlers(control, base + vanishing);

    const size_t first_served = driver.size();
    driver.queue_echo_clients(served, false);
    for (size_t i = 0; i < vanishers.size(); ++i)
        driver.close(vanishers[i], i % 2 == 1);
    driver.run_until([&] { return driver.echo_clients_done(); }, "the served clients' answers");
    // Every served client's handler is alive (it answered), so this holds once every
    // vanished client's handler has ended.
    driver.await_handlers(control, base + served);
    std::printf("%zu clients vanished mid-request (%zu closed, %zu reset) and their handlers "
                "ended; %zu others were served meanwhile\n",
                vanishing, (vanishing + 1) / 2, vanishing / 2, served);
    driver.close_from(first_served);
    driver.await_handlers(control, base);
    std::printf("the %zu served clients closed; the server has %zu handlers\n", served, base);
    return 0;
}

int slow(const Options& options) {
    const size_t others = count_argument(options, 0, "the count of other clients");
    raise_descriptor_limit(std::min(others, options.concurrency) + 32,
                           std::to_string(options.concurrency) + " connections at once");
    Driver driver(options);
    const auto [control, base] = open_control(driver);

    const std::string line = "slow line";
    const std::string request = line + "\n";
    const size_t slow_client = driver.open(request.substr(0, 1), false);
    driver.await_handlers(control, base + 1);

    driver.queue_echo_clients(others, true);
    size_t others_done_at = 0; // how many bytes of the slow request had gone out by then
    auto next_byte = Clock::now();
    for (size_t sent = 1; sent < request.size(); ++sent) {
        next_byte += std::chrono::seconds(1);
        driver.run_until([&] { return Clock::now() >= next_byte; }, "the next second");
        if (others_done_at == 0 && driver.echo_clients_done()) others_done_at = sent;
        if (sent + 1 == request.size()) {
            if (others_done_at == 0)
                fail("the slow client's request would be complete before the others were "
                     "served: " +
                     std::to_string(driver.echo_answered()) + " of " + std::to_string(others) +
                     " answered");
            driver.expect_answer(slow_client, line);
        }
        driver.send(slow_client, request.substr(sent, 1));
    }
    driver.run_until([&] { return driver[slow_client].answered; }, "the slow client's answer");
    std::printf("%zu other clients were served while the slow client sent its request (all "
                "done after %zu of its %zu bytes); then it got its answer\n",
                others, others_done_at, request.size());
    // The others closed: their handlers end, the slow client's stays.
    driver.await_handlers(control, base + 1);
    driver.close(slow_client, false);
    driver.await_handlers(control, base);
    return 0;
}

[[noreturn]] void usage(const std::string& problem) {
    fail(problem + "\nusage: load_client --port PORT [--host IPV4] [--sources K] "
                   "[--concurrency C] [--timeout SECONDS] (hold N [--pause] | vanish N M | "
                   "slow M)");
}

Options parse(int argc, char** argv) {
    Options options;
    ::inet_pton(AF_INET, "127.0.0.1", &options.server);
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(argument + " needs a value");
            return argv[++i];
        };
        if (argument == "--port") {
            const int port = std::atoi(value().c_str());
            if (port <= 0 || port > 65535) usage("--port needs a port number");
            options.port = uint16_t(port);
        } else if (argument == "--host") {
            if (::inet_pton(AF_INET, value().c_str(), &options.server) != 1)
                usage("--host needs an IPv4 address");
        } else if (argument == "--sources") {
            options.sources = unsigned(std::atoi(value().c_str()));
            if (options.sources < 1 || options.sources > 250) usage("--sources needs 1 to 250");
        } else if (argument == "--concurrency") {
            options.concurrency = size_t(std::atol(value().c_str()));
            if (options.concurrency < 1) usage("--concurrency needs a positive number");
        } else if (argument == "--timeout") {
            options.timeout_seconds = std::atof(value().c_str());
            if (options.timeout_seconds <= 0) usage("--timeout needs a positive number");
        } else if (argument == "--pause") {
            options.pause = true;
        } else if (argument.rfind("--", 0) == 0) {
            usage("unknown option " + argument);
        } else if (options.scenario.empty()) {
            options.scenario = argument;
        } else {
            options.arguments.push_back(argument);
        }
    }
    if (options.port == 0) usage("--port is needed");
    if (options.scenario.empty()) usage("a scenario is needed");
    return options;
}

} // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    if (options.scenario == "hold") return hold(options);
    if (options.scenario == "vanish") return vanish(options);
    if (options.scenario == "slow") return slow(options);
    usage("unknown scenario '" + options.scenario + "'");
}
