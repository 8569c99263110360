// tycho/channel.hpp - typed channels between processes (tycho/channel.h has the rules).
//
//   auto [tx, rx] = tycho::channel<int>(16).value();   // bounded: sends wait when 16 queue
//   tycho::spawn<producer>(tx);                          // ends are values: pass them on
//   while (auto item = rx.receive()) use(*item);        // until closed and drained
#pragma once

#include <tycho/tycho.hpp>

#include <utility>

namespace tycho {

inline constexpr uint32_t unbounded = TYCHO_CHANNEL_UNBOUNDED;

template <Encodable T> class Sender {
  public:
    Sender() = default;
    explicit Sender(tycho_sender end) : end_(end) {}
    // Sends, waiting up to `timeout_ms` for room: ok, timeout or closed (not sent).
    Status send(const T& value, int64_t timeout_ms = forever) const {
        Bytes bytes = encode(value);
        return static_cast<Status>(tycho_channel_send(
            end_, bytes.data(), static_cast<uint32_t>(bytes.size()), timeout_ms));
    }
    void close() const { tycho_channel_close(end_.channel); }
    tycho_sender end() const { return end_; }

  private:
    tycho_sender end_{};
};

template <Encodable T> class Receiver {
  public:
    Receiver() = default;
    explicit Receiver(tycho_receiver end) : end_(end) {}
    // The next item, waiting up to `timeout_ms`: fails with timeout, or closed once the
    // channel is closed and empty.
    Result<T> receive(int64_t timeout_ms = forever) const {
        tycho_message reply{};
        int status = tycho_internal_channel_call(end_.channel, TYCHO_CHANNEL_OP_RECEIVE, nullptr, 0,
                                                 timeout_ms, &reply);
        if (status != TYCHO_OK) return static_cast<Status>(status);
        status = tycho_internal_channel_status(&reply);
        if (status != TYCHO_OK) return static_cast<Status>(status);
        return decode_message<T>(reply.size - 1);
    }
    void close() const { tycho_channel_close(end_.channel); }
    tycho_receiver end() const { return end_; }

  private:
    tycho_receiver end_{};
};

// A new channel of T holding up to `capacity` items (0: rendezvous; tycho::unbounded).
template <Encodable T>
Result<std::pair<Sender<T>, Receiver<T>>> channel(uint32_t capacity = unbounded) {
    tycho_sender sender{};
    tycho_receiver receiver{};
    int status = tycho_channel_create(capacity, &sender, &receiver);
    if (status != TYCHO_OK) return static_cast<Status>(status);
    return std::pair{Sender<T>(sender), Receiver<T>(receiver)};
}

} // namespace tycho
