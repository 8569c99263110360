// tycho/tycho.hpp - the C++20 layer of the Tycho guest SDK: typed processes, mailboxes and
// requests over the C SDK (tycho/tycho.h).
//
//   #include <tycho/tycho.hpp>
//   tycho-c++ app.cpp -o app.wasm && tycho run app.wasm
//
// Messages carry values of any type with a tycho::Codec: trivially copyable types have one
// built in (their bytes), std::string too; specialize Codec<T> to plug in any serializer.
// Servers (gen_server style) are in tycho/server.hpp, supervisors in tycho/supervisor.hpp,
// typed channels in tycho/channel.hpp.
#pragma once

#include <tycho/tycho.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace tycho {

using Pid = tycho_pid;
using Bytes = std::vector<std::byte>;

enum class Status : int {
    ok = TYCHO_OK,
    failed = TYCHO_FAILED,
    denied = TYCHO_DENIED,
    no_process = TYCHO_NO_PROCESS,
    closed = TYCHO_CLOSED,
    truncated = TYCHO_TRUNCATED,
    timeout = TYCHO_TIMEOUT,
};

inline const char* to_string(Status status) {
    return tycho_status_text(static_cast<int>(status));
}
// The text of the last failure the SDK reported in this process.
inline const char* last_error() {
    return tycho_last_error();
}

// Timeouts in milliseconds; `forever` waits as long as it takes.
inline constexpr int64_t forever = TYCHO_FOREVER;

// A value, or the status that explains why there is none.
template <class T> class Result {
  public:
    Result(T value) : value_(std::move(value)) {} // NOLINT(google-explicit-constructor)
    // A status without a value; Status::ok here would be a value that is not there, so it
    // counts as failed.
    Result(Status status) // NOLINT(google-explicit-constructor)
        : status_(status == Status::ok ? Status::failed : status) {}
    bool ok() const { return status_ == Status::ok; }
    explicit operator bool() const { return ok(); }
    Status status() const { return status_; }
    T& operator*() & { return *value_; }
    const T& operator*() const& { return *value_; }
    T&& operator*() && { return std::move(*value_); }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }
    // The value; a failed result fails the process with a message saying why.
    T& value() & {
        check();
        return *value_;
    }
    const T& value() const& {
        check();
        return *value_;
    }
    T&& value() && {
        check();
        return std::move(*value_);
    }

  private:
    void check() const {
        if (!ok())
            tycho_panic("expected a value, got status '%s' (%s)", to_string(status_), last_error());
    }
    std::optional<T> value_;
    Status status_ = Status::ok;
};

// ---------------------------------------------------------------------------------------
// Codecs: how a value becomes message bytes and back.
// ---------------------------------------------------------------------------------------

// Specialize for your types: `static void encode(const T&, Bytes&)` appends the bytes;
// `static bool decode(std::span<const std::byte>, T&)` returns false for bytes it rejects.
template <class T, class = void> struct Codec;

template <class T> struct Codec<T, std::enable_if_t<std::is_trivially_copyable_v<T>>> {
    static void encode(const T& value, Bytes& out) {
        const auto* bytes = reinterpret_cast<const std::byte*>(&value);
        out.insert(out.end(), bytes, bytes + sizeof(T));
    }
    static bool decode(std::span<const std::byte> bytes, T& value) {
        if (bytes.size() != sizeof(T)) return false;
        std::memcpy(&value, bytes.data(), sizeof(T));
        return true;
    }
};

template <> struct Codec<std::string> {
    static void encode(const std::string& value, Bytes& out) {
        const auto* bytes = reinterpret_cast<const std::byte*>(value.data());
        out.insert(out.end(), bytes, bytes + value.size());
    }
    static bool decode(std::span<const std::byte> bytes, std::string& value) {
        value.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        return true;
    }
};

template <class T>
concept Encodable = requires(const T& value, T& out, Bytes& bytes, std::span<const std::byte> in) {
    Codec<T>::encode(value, bytes);
    { Codec<T>::decode(in, out) } -> std::same_as<bool>;
};

template <Encodable T> Bytes encode(const T& value) {
    Bytes bytes;
    Codec<T>::encode(value, bytes);
    return bytes;
}

// Reads the `size` bytes of the message in the scratch slot and decodes them.
template <Encodable T> Result<T> decode_message(uint32_t size) {
    Bytes bytes(size);
    tycho_read(bytes.data(), size);
    T value{};
    if (!Codec<T>::decode(bytes, value)) {
        tycho_set_error("a message of %u bytes did not decode", size);
        return Status::truncated;
    }
    return value;
}

// ---------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------

// Tags: a program's own tags are 1 .. max_user_tag (tycho/core.h explains the ranges).
inline constexpr int64_t max_user_tag = TYCHO_TAG_USER_MAX;
// The tag Mailbox<T> and Process::send use unless told otherwise.
inline constexpr int64_t default_tag = 1;

// A handle to a process: copyable, and it does not keep the process alive.
class Process {
  public:
    constexpr Process() = default;
    constexpr explicit Process(Pid pid) : pid_(pid) {}
    static Process self() { return Process(tycho_self()); }

    Pid id() const { return pid_; }
    bool alive() const { return tycho_alive(pid_) != 0; }
    // Sends `value` tagged `tag`; dropped if the process has ended.
    template <Encodable T> void send(const T& value, int64_t tag = default_tag) const {
        Bytes bytes = encode(value);
        tycho_send(pid_, tag, bytes.data(), static_cast<uint32_t>(bytes.size()));
    }
    // Sends `value` after `delay_ms`; returns the timer id (tycho_cancel_timer).
    template <Encodable T>
    uint64_t send_after(const T& value, uint64_t delay_ms, int64_t tag = default_tag) const {
        Bytes bytes = encode(value);
        return tycho_send_after(pid_, tag, bytes.data(), static_cast<uint32_t>(bytes.size()),
                                delay_ms);
    }
    // Links with the process and returns the link's tag.
    int64_t link() const { return tycho_link(pid_); }
    void unlink() const { tycho_unlink(pid_); }
    void monitor() const { tycho_monitor(pid_); }
    void kill() const { tycho_kill(pid_); }
    bool operator==(const Process&) const = default;

  private:
    Pid pid_ = 0;
};

struct SpawnOptions {
    int64_t config = TYCHO_SELF_CONFIG;
    bool link = false;
    bool monitor = false;
};

// A spawned process, and the tag of its link when it was spawned linked.
struct Spawned {
    Process process;
    int64_t link_tag = 0;
};

namespace detail {
template <class F> struct EntryArgument;
template <class A> struct EntryArgument<void (*)(A)> {
    using type = std::remove_cvref_t<A>;
};
template <> struct EntryArgument<void (*)()> {
    using type = void;
};

// The C entry for a C++ function `void f(T)` or `void f()`: decodes the argument first.
template <auto Function> void entry(const void* arg, uint32_t len) {
    using Argument = typename EntryArgument<decltype(+Function)>::type;
    if constexpr (std::is_void_v<Argument>) {
        Function();
    } else {
        Argument value{};
        if (!Codec<Argument>::decode({static_cast<const std::byte*>(arg), len}, value))
            tycho_panic("spawn: an argument of %u bytes did not decode", len);
        Function(std::move(value));
    }
}
} // namespace detail

// Spawns `Function(argument)` as a new process; `Function` is a function or a lambda without
// captures, taking the argument by value or const reference (or nothing).
template <auto Function, class... Argument>
Result<Spawned> spawn(SpawnOptions options, const Argument&... argument) {
    static_assert(sizeof...(Argument) <= 1, "a process takes at most one argument");
    Bytes bytes;
    if constexpr (sizeof...(Argument) == 1) bytes = encode(argument...);
    tycho_spawn_options c_options{options.config, options.link ? 1 : 0, options.monitor ? 1 : 0};
    Pid pid = 0;
    int64_t link_tag = 0;
    int status = tycho_spawn_with(detail::entry<Function>, bytes.data(),
                                  static_cast<uint32_t>(bytes.size()), &c_options, &pid, &link_tag);
    if (status != TYCHO_OK) return static_cast<Status>(status);
    return Spawned{Process(pid), link_tag};
}

template <auto Function, class... Argument> Result<Process> spawn(const Argument&... argument) {
    auto spawned = spawn<Function>(SpawnOptions{}, argument...);
    if (!spawned) return spawned.status();
    return spawned->process;
}

template <auto Function, class... Argument>
Result<Spawned> spawn_link(const Argument&... argument) {
    return spawn<Function>(SpawnOptions{.link = true}, argument...);
}

// on (the default): a linked process's failure kills this one too; off: it arrives as a
// message (Received::link_died).
inline void trap_link_deaths(bool on) {
    tycho_trap_link_deaths(on ? 1 : 0);
}
inline void sleep_ms(uint64_t ms) {
    tycho_sleep_ms(ms);
}

// ---------------------------------------------------------------------------------------
// The registry
// ---------------------------------------------------------------------------------------

inline void register_as(const std::string& name, Process process) {
    tycho_register(name.c_str(), process.id());
}
inline void unregister(const std::string& name) {
    tycho_unregister(name.c_str());
}
// The live process registered as `name`.
inline Result<Process> whereis(const std::string& name) {
    Pid pid = 0;
    if (tycho_whereis(name.c_str(), &pid) != TYCHO_OK) return Status::no_process;
    return Process(pid);
}

// ---------------------------------------------------------------------------------------
// Mailboxes
// ---------------------------------------------------------------------------------------

// The messages of one tag in this process's mailbox, as values of type T.
template <Encodable T> class Mailbox {
  public:
    explicit Mailbox(int64_t tag = default_tag) : tag_(tag) {}
    int64_t tag() const { return tag_; }
    // The oldest message of this tag, waiting up to `timeout_ms`.
    Result<T> receive(int64_t timeout_ms = forever) const {
        tycho_message message{};
        int status = tycho_receive_tag(tag_, timeout_ms, &message);
        if (status != TYCHO_OK) return static_cast<Status>(status);
        if (message.kind != TYCHO_DATA) return Status::failed;
        return decode_message<T>(message.size);
    }

  private:
    int64_t tag_;
};

// Anything a receive of any kind can return.
struct Received {
    tycho_message message;
    bool is_data() const { return message.kind == TYCHO_DATA; }
    bool link_died() const { return message.kind == TYCHO_LINK_DIED; }
    bool process_died() const { return message.kind == TYCHO_PROCESS_DIED; }
    int64_t tag() const { return message.tag; }
    // The process that ended, for process_died().
    Process process() const { return Process(message.pid); }
    // The data, decoded as T (read once).
    template <Encodable T> Result<T> as() const { return decode_message<T>(message.size); }
};

inline Result<Received> receive_any(int64_t timeout_ms = forever) {
    Received received{};
    int status = tycho_receive_any(timeout_ms, &received.message);
    if (status != TYCHO_OK) return static_cast<Status>(status);
    return received;
}

// ---------------------------------------------------------------------------------------
// Request and reply
// ---------------------------------------------------------------------------------------

// Sends `request` tagged `tag` to `server` and waits up to `timeout_ms` for a reply of type
// Reply. Fails with timeout, no_process (the server ended) or truncated (did not decode).
template <Encodable Reply, Encodable Request>
Result<Reply> call(Process server, int64_t tag, const Request& request,
                   int64_t timeout_ms = forever) {
    Bytes bytes = encode(request);
    tycho_request header{tycho_self(), tycho_fresh_reply_tag()};
    tycho_send_call(server.id(), tag, &header, bytes.data(), static_cast<uint32_t>(bytes.size()));
    tycho_message reply{};
    int status = tycho_await_reply_message(server.id(), header.reply_tag, timeout_ms, &reply);
    if (status != TYCHO_OK) return static_cast<Status>(status);
    return decode_message<Reply>(reply.size);
}

// A request received by a server: what was asked, and the way back.
template <Encodable Request> struct Call {
    Request request;
    tycho_request from;
    template <Encodable Reply> void reply(const Reply& value) const {
        Bytes bytes = encode(value);
        tycho_reply(&from, bytes.data(), static_cast<uint32_t>(bytes.size()));
    }
};

// Receives the oldest request tagged `tag` (sent by call()).
template <Encodable Request>
Result<Call<Request>> receive_call(int64_t tag, int64_t timeout_ms = forever) {
    tycho_message message{};
    int status = tycho_receive_tag(tag, timeout_ms, &message);
    if (status != TYCHO_OK) return static_cast<Status>(status);
    Call<Request> call{};
    if (tycho_take_call(&message, &call.from) != TYCHO_OK) return Status::truncated;
    auto request = decode_message<Request>(message.size);
    if (!request) return request.status();
    call.request = std::move(*request);
    return call;
}

// ---------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------

// A process config, dropped when the object goes. New configs allow nothing until told.
class Config {
  public:
    static Result<Config> create() {
        int64_t id = 0;
        if (tycho_config_create(&id) != TYCHO_OK) return Status::denied;
        return Config(id);
    }
    Config(Config&& other) noexcept : id_(std::exchange(other.id_, -1)) {}
    Config& operator=(Config&& other) noexcept {
        if (this != &other) {
            reset();
            id_ = std::exchange(other.id_, -1);
        }
        return *this;
    }
    Config(const Config&) = delete;
    Config& operator=(const Config&) = delete;
    ~Config() { reset(); }

    int64_t id() const { return id_; }
    Config& max_memory(uint64_t bytes) {
        tycho_config_set_max_memory(id_, bytes);
        return *this;
    }
    Config& max_fuel(uint64_t units_of_100k) {
        tycho_config_set_max_fuel(id_, units_of_100k);
        return *this;
    }
    Config& allow_spawn(bool allowed = true) {
        tycho_config_allow_spawn(id_, allowed ? 1 : 0);
        return *this;
    }
    Config& allow_configs(bool allowed = true) {
        tycho_config_allow_configs(id_, allowed ? 1 : 0);
        return *this;
    }
    Config& env(const std::string& key, const std::string& value) {
        tycho_config_add_env(id_, key.c_str(), value.c_str());
        return *this;
    }
    SpawnOptions spawn_options() const { return SpawnOptions{.config = id_}; }

  private:
    explicit Config(int64_t id) : id_(id) {}
    void reset() {
        if (id_ >= 0) tycho_config_drop(id_);
        id_ = -1;
    }
    int64_t id_ = -1;
};

} // namespace tycho
