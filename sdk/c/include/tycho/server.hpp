// tycho/server.hpp - servers in the style of Erlang's gen_server: a process that owns some
// state and answers calls (request and reply) and casts (one-way messages) one at a time.
//
//   struct Counter {
//       using Arg = int;                        // optional: what the constructor takes
//       using Call = int;  using Reply = int;   // call(n): add n, reply with the total
//       using Cast = int;                       // optional: cast(n) adds n, no reply
//       int total;
//       explicit Counter(int start) : total(start) {}
//       int handle_call(int n) { return total += n; }
//       void handle_cast(int n) { total += n; }
//   };
//   auto counter = tycho::start_server<Counter>(10).value();
//   int total = counter.call(5).value();    // 15
//
// Without `Arg` the server is default-constructed and started without an argument; without
// `Cast` (and handle_cast) it takes calls only. Optionally,
// `void handle_info(const tycho::Received&)` gets every other message (timers, link deaths,
// monitors); without it, other messages stay in the mailbox.
#pragma once

#include <tycho/tycho.hpp>

#include <string>

namespace tycho {

inline constexpr int64_t server_call_tag = TYCHO_TAG_SDK_FIRST + 3;
inline constexpr int64_t server_cast_tag = TYCHO_TAG_SDK_FIRST + 4;
inline constexpr int64_t server_stop_tag = TYCHO_TAG_SDK_FIRST + 5;

template <class Impl>
concept HasArg = requires { typename Impl::Arg; };

template <class Impl>
concept HandlesCast = requires(Impl& impl, const typename Impl::Cast& cast) {
    impl.handle_cast(cast);
} && Encodable<typename Impl::Cast>;

template <class Impl>
concept HandlesInfo =
    requires(Impl& impl, const Received& received) { impl.handle_info(received); };

namespace detail {
template <class Impl> constexpr bool server_arg_encodable() {
    if constexpr (HasArg<Impl>)
        return Encodable<typename Impl::Arg>;
    else
        return std::is_default_constructible_v<Impl>;
}
} // namespace detail

template <class Impl>
concept ServerImpl =
    requires(Impl& impl, const typename Impl::Call& call) {
        { impl.handle_call(call) } -> std::convertible_to<typename Impl::Reply>;
    } && Encodable<typename Impl::Call> && Encodable<typename Impl::Reply> &&
    detail::server_arg_encodable<Impl>();

// A running server of type Impl. Copyable; passing it to another process passes the right
// to call the server.
template <ServerImpl Impl> class ServerRef {
  public:
    ServerRef() = default;
    explicit ServerRef(Process process) : process_(process) {}
    Process process() const { return process_; }

    // Asks, and waits up to `timeout_ms` for the answer.
    Result<typename Impl::Reply> call(const typename Impl::Call& request,
                                      int64_t timeout_ms = forever) const {
        return tycho::call<typename Impl::Reply>(process_, server_call_tag, request, timeout_ms);
    }
    // Tells, without waiting.
    template <HandlesCast I = Impl> void cast(const typename I::Cast& message) const {
        process_.send(message, server_cast_tag);
    }
    // Stops the server once it has handled what came before, and waits up to `timeout_ms`
    // for its process to end: afterwards neither find_server nor call reaches it.
    Status stop(int64_t timeout_ms = forever) const {
        int64_t deadline = tycho_deadline(timeout_ms);
        auto stopped = tycho::call<bool>(process_, server_stop_tag, true, timeout_ms);
        if (!stopped) return stopped.status();
        while (process_.alive()) {
            if (tycho_remaining_ms(deadline) == 0) return Status::timeout;
            sleep_ms(1);
        }
        return Status::ok;
    }

  private:
    Process process_;
};

// Runs a server of type Impl in the calling process until it is stopped; `arg` (one, or
// none when Impl has no Arg) goes to its constructor.
template <ServerImpl Impl, class... Arg> void serve(const Arg&... arg) {
    Impl impl(arg...);
    for (;;) {
        tycho_message message{};
        if constexpr (HandlesInfo<Impl>) {
            tycho_receive_any(forever, &message);
        } else {
            static const int64_t tags[] = {server_call_tag, server_cast_tag, server_stop_tag};
            tycho_receive(tags, 3, forever, &message);
        }
        if (message.kind == TYCHO_DATA && message.tag == server_call_tag) {
            tycho_request from{};
            if (tycho_take_call(&message, &from) != TYCHO_OK) continue;
            auto request = decode_message<typename Impl::Call>(message.size);
            if (!request) continue; // a malformed request gets no answer; its caller times out
            Bytes reply = encode<typename Impl::Reply>(impl.handle_call(*request));
            tycho_reply(&from, reply.data(), static_cast<uint32_t>(reply.size()));
        } else if (message.kind == TYCHO_DATA && message.tag == server_cast_tag) {
            if constexpr (HandlesCast<Impl>) {
                auto cast = decode_message<typename Impl::Cast>(message.size);
                if (cast) impl.handle_cast(*cast);
            }
        } else if (message.kind == TYCHO_DATA && message.tag == server_stop_tag) {
            tycho_request from{};
            if (tycho_take_call(&message, &from) != TYCHO_OK) continue;
            Bytes reply = encode(true);
            tycho_reply(&from, reply.data(), static_cast<uint32_t>(reply.size()));
            return;
        } else {
            if constexpr (HandlesInfo<Impl>) impl.handle_info(Received{message});
        }
    }
}

namespace detail {
template <class Impl> void server_with_arg(typename Impl::Arg arg) {
    serve<Impl>(arg);
}
template <class Impl> void server_without_arg() {
    serve<Impl>();
}
// The process entry that runs a server of type Impl.
template <class Impl> constexpr auto server_entry() {
    if constexpr (HasArg<Impl>)
        return &server_with_arg<Impl>;
    else
        return &server_without_arg<Impl>;
}
template <class Impl, class... Arg> constexpr void check_server_arg() {
    if constexpr (HasArg<Impl>)
        static_assert(sizeof...(Arg) == 1, "this server's constructor takes its Arg");
    else
        static_assert(sizeof...(Arg) == 0, "this server has no Arg");
}
} // namespace detail

// Starts a server of type Impl in a new process, with `options` (a config, link, monitor).
template <ServerImpl Impl, class... Arg>
Result<ServerRef<Impl>> start_server(SpawnOptions options, const Arg&... arg) {
    detail::check_server_arg<Impl, Arg...>();
    auto spawned = spawn<detail::server_entry<Impl>()>(options, arg...);
    if (!spawned) return spawned.status();
    return ServerRef<Impl>(spawned->process);
}

// Starts a server of type Impl in a new process.
template <ServerImpl Impl, class... Arg> Result<ServerRef<Impl>> start_server(const Arg&... arg) {
    return start_server<Impl>(SpawnOptions{}, arg...);
}

// The server registered as `name`, started (and registered) if there is none yet; two
// processes racing here get the same server.
template <ServerImpl Impl, class... Arg>
Result<ServerRef<Impl>> start_or_find_server(const std::string& name, const Arg&... arg) {
    detail::check_server_arg<Impl, Arg...>();
    Bytes bytes;
    if constexpr (sizeof...(Arg) == 1) bytes = encode(arg...);
    Pid pid = 0;
    int status = tycho_whereis_or_spawn(name.c_str(), detail::entry<detail::server_entry<Impl>()>,
                                        bytes.data(), static_cast<uint32_t>(bytes.size()), &pid);
    if (status != TYCHO_OK) return static_cast<Status>(status);
    return ServerRef<Impl>(Process(pid));
}

// The server registered as `name`.
template <ServerImpl Impl> Result<ServerRef<Impl>> find_server(const std::string& name) {
    auto process = whereis(name);
    if (!process) return process.status();
    return ServerRef<Impl>(*process);
}

} // namespace tycho
