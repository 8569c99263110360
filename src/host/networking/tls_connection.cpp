#include "host/networking/tls_connection.h"

#include <openssl/err.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <climits>

namespace tycho::host {

namespace {

using Kind = IoResult::Kind;

// Room for one whole TLS record (16 KiB of plaintext plus its overhead).
constexpr size_t kReceiveBytes = 16 * 1024 + 512;

} // namespace

std::variant<std::shared_ptr<TlsConnection>, std::string> TlsConnection::make(UniqueFd socket,
                                                                              tls::Ssl ssl) {
    ERR_clear_error();
    certificates::Bio incoming(BIO_new(BIO_s_mem()));
    certificates::Bio outgoing(BIO_new(BIO_s_mem()));
    if (!incoming || !outgoing)
        return "cannot make the buffers of a TLS connection (" + tls::openssl_reasons() + ")";
    SSL_set_bio(ssl.get(), incoming.get(), outgoing.get()); // the session owns them now
    return std::make_shared<TlsConnection>(Token(), std::move(socket), std::move(ssl),
                                           incoming.release(), outgoing.release());
}

TlsConnection::TlsConnection(Token, UniqueFd socket, tls::Ssl ssl, BIO* incoming, BIO* outgoing)
    : fd_(std::move(socket)), ssl_(std::move(ssl)), incoming_(incoming), outgoing_(outgoing) {}

TlsConnection::~TlsConnection() {
    const std::lock_guard lock(mutex_);
    if (!failure_.empty()) return;
    // A close_notify ends a finished handshake only; before, what is pending is all that goes.
    if (SSL_is_init_finished(ssl_.get()) == 1) {
        ERR_clear_error();
        SSL_shutdown(ssl_.get()); // writes close_notify; the peer's answer is not awaited
        ERR_clear_error();
        collect_output();
    }
    send_pending();
}

// ---- under the lock ----------------------------------------------------------------------

TlsConnection::Step TlsConnection::advance_handshake() {
    ERR_clear_error();
    const int done = SSL_do_handshake(ssl_.get());
    const int error = done == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), done);
    collect_output();
    if (done != 1 && error != SSL_ERROR_WANT_READ) {
        Step failed = fail(tls::failure_reason(ssl_.get(), error));
        send_pending(); // the alert that tells the peer why, if the socket takes it
        return failed;
    }
    if (!send_pending()) return failure();
    if (done != 1) {
        Step next = receive();
        next.result.in_handshake = true;
        return next;
    }
    // The last flight may still be pending: the operation that follows sends it.
    handshake_done_ = true;
    return Step{Step::Next::retry, {}, 0};
}

void TlsConnection::collect_output() {
    char* data = nullptr;
    const long size = BIO_get_mem_data(outgoing_, &data);
    if (size <= 0) return;
    pending_.append(data, size_t(size));
    (void)BIO_reset(outgoing_);
}

bool TlsConnection::send_pending() {
    size_t sent = 0;
    bool ok = true;
    while (sent < pending_.size()) {
        const ssize_t n = ::send(fd_.get(), pending_.data() + sent, pending_.size() - sent,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            sent += size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        fail(os_error_text(n < 0 ? errno : EPIPE));
        ok = false;
        break;
    }
    pending_.erase(0, sent);
    return ok;
}

TlsConnection::Step TlsConnection::receive() {
    if (peer_closed_socket_) return fail("the peer closed the connection");
    // One buffer per thread: it is used only between taking the lock and releasing it.
    thread_local std::array<uint8_t, kReceiveBytes> buffer;
    for (;;) {
        // NOLINTNEXTLINE(clang-analyzer-unix.BlockInCriticalSection): MSG_DONTWAIT never blocks
        const ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n > 0) {
            if (BIO_write(incoming_, buffer.data(), int(n)) != int(n))
                return fail("cannot buffer received bytes (" + tls::openssl_reasons() + ")");
            return Step{Step::Next::retry, {}, 0};
        }
        if (n == 0) {
            // OpenSSL now sees the end: a clean one after close_notify, an error before.
            peer_closed_socket_ = true;
            BIO_set_mem_eof_return(incoming_, 0);
            return Step{Step::Next::retry, {}, 0};
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return fail(os_error_text(errno));
        // While waiting for the peer, also send what is pending when the socket takes it.
        const runtime::IoEvents events =
            runtime::IoEvent::readable | (pending_.empty() ? 0 : runtime::IoEvent::writable);
        return Step{Step::Next::wait, {}, events};
    }
}

TlsConnection::Step TlsConnection::wait_until_sent() const {
    Step wait{Step::Next::wait, {}, runtime::IoEvent::writable};
    wait.result.bytes = pending_.size(); // reported if the deadline passes
    return wait;
}

TlsConnection::Step TlsConnection::fail(std::string reason) {
    if (failure_.empty())
        failure_ = handshake_done_ ? std::move(reason) : "TLS handshake failed: " + reason;
    return failure();
}

TlsConnection::Step TlsConnection::failure() const {
    return Step{Step::Next::finish, Result{Kind::failed, 0, failure_}, 0};
}

// ---- the operations ----------------------------------------------------------------------

template <class StepFunction>
TlsConnection::Result TlsConnection::run(wasm::Caller& caller, Deadline deadline,
                                         StepFunction step) {
    for (;;) {
        Step next;
        {
            const std::lock_guard lock(mutex_);
            next = failure_.empty() ? step() : failure();
        }
        switch (next.next) {
        case Step::Next::finish: return std::move(next.result);
        case Step::Next::retry: continue;
        case Step::Next::wait: break;
        }
        switch (wait_for_socket(caller, fd_.get(), next.events, deadline)) {
        case Readiness::ready: continue;
        case Readiness::timed_out:
            return Result{Kind::timed_out, next.result.bytes, {}, next.result.in_handshake};
        case Readiness::stopped: return Result{Kind::stopped, 0, {}};
        }
    }
}

TlsConnection::Result TlsConnection::handshake(wasm::Caller& caller) {
    return flush(caller, std::nullopt);
}

TlsConnection::Result TlsConnection::read(wasm::Caller& caller, std::span<uint8_t> into,
                                          Deadline deadline) {
    if (into.empty()) return Result{Kind::done, 0, {}};
    const int size = int(std::min<size_t>(into.size(), INT_MAX));
    return run(caller, deadline, [this, into, size] {
        if (!handshake_done_) return advance_handshake();
        ERR_clear_error();
        const int n = SSL_read(ssl_.get(), into.data(), size);
        const int error = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), n);
        // Reading may answer the peer (a key update, an alert): send that along.
        collect_output();
        const bool sent = send_pending();
        if (n > 0) return finish(size_t(n)); // a send error shows in the next call
        if (!sent) return failure();
        if (error == SSL_ERROR_ZERO_RETURN) return finish(0);
        if (error == SSL_ERROR_WANT_READ) return receive();
        return fail(tls::failure_reason(ssl_.get(), error));
    });
}

TlsConnection::Result TlsConnection::write(wasm::Caller& caller, std::span<const uint8_t> data,
                                           Deadline deadline) {
    // The handshake and what earlier writes left go first, so that at most kMaxWrite waits
    // at any time.
    Result before = flush(caller, deadline);
    if (before.kind != Kind::done) return Result{before.kind, 0, std::move(before.error)};
    if (data.empty()) return before;

    const int size = int(std::min(data.size(), kMaxWrite));
    Result taken = run(caller, deadline, [this, data, size] {
        ERR_clear_error();
        const int n = SSL_write(ssl_.get(), data.data(), size);
        const int error = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), n);
        collect_output();
        if (n > 0) return finish(size_t(n));
        if (!send_pending()) return failure();
        // OpenSSL may want more of the peer's data before it writes (as it does in a
        // handshake); the same write is made again once that came.
        if (error == SSL_ERROR_WANT_READ) return receive();
        if (error == SSL_ERROR_WANT_WRITE && !pending_.empty()) return wait_until_sent();
        return fail(tls::failure_reason(ssl_.get(), error));
    });
    if (taken.kind != Kind::done) return taken;
    Result sent = flush(caller, deadline);
    if (sent.kind == Kind::failed || sent.kind == Kind::stopped) return sent;
    return Result{Kind::done, taken.bytes, {}};
}

TlsConnection::Result TlsConnection::flush(wasm::Caller& caller, Deadline deadline) {
    return run(caller, deadline, [this] {
        if (!handshake_done_) return advance_handshake();
        collect_output();
        if (!send_pending()) return failure();
        if (pending_.empty()) return finish(0);
        return wait_until_sent();
    });
}

} // namespace tycho::host
