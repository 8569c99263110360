// The objects behind TLS listener and TLS stream ids (lunatic-abi.md §20.3).
//
// A connection's SSL object talks to memory BIOs only; the host moves the bytes between them
// and the non-blocking socket itself, so a handshake, read or write that has to wait parks
// its process (costing no worker thread) instead of blocking.
//
// The handshake is lazy: it runs as the first part of the first read, write or flush, under
// that call's deadline, in whichever process makes it. So tls_accept returns at once, and a
// client that sends nothing (or its ClientHello a byte at a time) holds up only the process
// that waits for its data, never the acceptor. A deadline that passes in the handshake
// leaves it to the next call; a failed one is the connection's failure for every call.
//
// Concurrency (§20.2): clones of one stream in different processes may read and write at
// the same time, on different worker threads, but an SSL object is not thread-safe. One
// mutex guards it, its BIOs and the ciphertext not yet sent; it is held for an SSL call or
// a non-blocking send or receive at a time and never while a process is parked. Receiving
// and appending to the read BIO happen under the same hold, as do taking ciphertext from
// the write BIO and sending it, so bytes never change order.
#pragma once

#include "host/networking/net_call.h"
#include "host/networking/net_resources.h"
#include "host/networking/tls_context.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

namespace tycho::host {

class TlsListener {
  public:
    TlsListener(UniqueFd socket, tls::SslContext context)
        : fd(std::move(socket)), context(std::move(context)) {}
    UniqueFd fd; // non-blocking
    tls::SslContext context;
};

class TlsConnection {
  public:
    using Deadline = std::optional<std::chrono::steady_clock::time_point>;

    // How a handshake, read, write or flush went: done (with a byte count), failed (with
    // the reason), timed out or stopped (the process must die: return at once).
    struct Result {
        IoResult::Kind kind = IoResult::Kind::done;
        size_t bytes = 0;
        std::string error;
        bool in_handshake = false; // timed_out: before the handshake finished
    };

    // How much plaintext one write takes at most (four full records): a larger write takes
    // this much and says so, which keeps the ciphertext waiting to be sent bounded.
    static constexpr size_t kMaxWrite = 64 * 1024;

    // A connection over `socket` (connected, non-blocking) for `ssl` (a fresh server or
    // client session); the reason if OpenSSL cannot make its buffers.
    static std::variant<std::shared_ptr<TlsConnection>, std::string> make(UniqueFd socket,
                                                                          tls::Ssl ssl);
    // Sends what is still pending, and a close_notify alert after a finished handshake,
    // without waiting.
    ~TlsConnection();
    TlsConnection(const TlsConnection&) = delete;
    TlsConnection& operator=(const TlsConnection&) = delete;

    // Read, write and flush first finish the handshake if it is not finished yet; a failed
    // one is "TLS handshake failed: <reason>". handshake() does all of it and sends its last
    // flight, for tls_connect before the connection is shared; no deadline (§20.3).
    Result handshake(wasm::Caller& caller);
    // At most into.size() bytes of plaintext (0: the peer closed the connection cleanly).
    Result read(wasm::Caller& caller, std::span<uint8_t> into, Deadline deadline);
    // Takes up to kMaxWrite bytes of `data` and sends them. Once taken, they count as
    // written even when the deadline passes before they are all sent: they go out with the
    // next write or flush. Timing out before anything was taken is `timed_out`.
    Result write(wasm::Caller& caller, std::span<const uint8_t> data, Deadline deadline);
    // Sends everything still pending; `bytes` is how much stays pending when it times out.
    Result flush(wasm::Caller& caller, Deadline deadline);

    StreamTimeouts timeouts;

    // Only make() has one.
    class Token {
        friend class TlsConnection;
        Token() = default;
    };
    TlsConnection(Token, UniqueFd socket, tls::Ssl ssl, BIO* incoming, BIO* outgoing);

  private:
    // What is left to do after a step under the lock: the operation ended (`result`), or
    // try again at once, or wait until the socket is ready for `events`.
    struct Step {
        enum class Next { finish, retry, wait } next = Next::finish;
        Result result;
        runtime::IoEvents events = 0;
    };

    // Runs step() with mutex_ held until it finishes, parking in between as it asks.
    template <class StepFunction>
    Result run(wasm::Caller& caller, Deadline deadline, StepFunction step);

    // All with mutex_ held.
    Step advance_handshake(); // retry once it is finished
    void collect_output();
    bool send_pending(); // false (and the connection broken) on a socket error
    Step receive();      // one non-blocking receive into the incoming BIO
    Step wait_until_sent() const;
    Step fail(std::string reason); // before the handshake finished: a handshake failure
    Step failure() const;
    static Step finish(size_t bytes) {
        return Step{Step::Next::finish, Result{IoResult::Kind::done, bytes, {}}, 0};
    }

    const UniqueFd fd_;
    std::mutex mutex_;
    tls::Ssl ssl_;
    BIO* incoming_;       // owned by ssl_: what the peer sent, not yet decrypted
    BIO* outgoing_;       // owned by ssl_: what OpenSSL produced, not yet in pending_
    std::string pending_; // ciphertext in order, not yet sent
    // Set once SSL_do_handshake succeeded, and never reset (post-handshake messages are
    // SSL_read's business).
    bool handshake_done_ = false;
    bool peer_closed_socket_ = false;
    std::string failure_; // once set, the connection is broken and every call reports it
};

} // namespace tycho::host
