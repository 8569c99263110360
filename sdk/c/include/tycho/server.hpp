// tycho/server.hpp - servers in the style of Erlang's gen_server: a process that owns some
// state and answers calls (request and reply) and casts (one-way messages) one at a time.
//
//   struct Counter {
//       using Arg = int;                    // what start() passes to the constructor
//       using Call = int;  using Reply = int;   // call(n): add n, reply with the total
//       using Cast = int;                   // cast(n): add n, no reply
//       int total;
//       explicit Counter(int start) : total(start) {}
//       int handle_call(int n) { return total += n; }
//       void handle_cast(int n) { total += n; }
//   };
//   auto counter = tycho::start_server<Counter>(10).value();
//   int total = counter.call(5).value();    // 15
//
// Optionally, `void handle_info(const tycho::Received&)` gets every other message (timers,
// link deaths, monitors); without it, other messages stay in the mailbox.
#pragma once

#include <tycho/tycho.hpp>

#include <string>

namespace tycho {

inline constexpr int64_t server_call_tag = TYCHO_TAG_SDK_FIRST + 3;
inline constexpr int64_t server_cast_tag = TYCHO_TAG_SDK_FIRST + 4;
inline constexpr int64_t server_stop_tag = TYCHO_TAG_SDK_FIRST + 5;

template <class Impl>
concept ServerImpl =
    requires(Impl& impl, const typename Impl::Call& call, const typename Impl::Cast& cast) {
        typename Impl::Arg;
        { impl.handle_call(call) } -> std::convertible_to<typename Impl::Reply>;
        impl.handle_cast(cast);
    } && Encodable<typename Impl::Arg> && Encodable<typename Impl::Call> &&
    Encodable<typename Impl::Reply> && Encodable<typename Impl::Cast>;

template <class Impl>
concept HandlesInfo =
    requires(Impl& impl, const Received& received) { impl.handle_info(received); };

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
    void cast(const typename Impl::Cast& message) const { process_.send(message, server_cast_tag); }
    // Stops the server once it has handled what came before; waits up to `timeout_ms`.
    Status stop(int64_t timeout_ms = forever) const {
        auto stopped = tycho::call<bool>(process_, server_stop_tag, true, timeout_ms);
        return stopped.status();
    }

  private:
    Process process_;
};

// Runs a server of type Impl in the calling process until it is stopped.
template <ServerImpl Impl> void serve(const typename Impl::Arg& arg) {
    Impl impl(arg);
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
            auto cast = decode_message<typename Impl::Cast>(message.size);
            if (cast) impl.handle_cast(*cast);
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
template <class Impl> void server_entry(typename Impl::Arg arg) {
    serve<Impl>(arg);
}
} // namespace detail

// Starts a server of type Impl in a new process.
template <ServerImpl Impl>
Result<ServerRef<Impl>> start_server(const typename Impl::Arg& arg, SpawnOptions options = {}) {
    auto spawned = spawn<&detail::server_entry<Impl>>(options, arg);
    if (!spawned) return spawned.status();
    return ServerRef<Impl>(spawned->process);
}

// The server registered as `name`, started (and registered) if there is none yet; two
// processes racing here get the same server.
template <ServerImpl Impl>
Result<ServerRef<Impl>> start_or_find_server(const std::string& name,
                                             const typename Impl::Arg& arg) {
    Bytes bytes = encode(arg);
    Pid pid = 0;
    int status = tycho_whereis_or_spawn(name.c_str(), detail::entry<&detail::server_entry<Impl>>,
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
