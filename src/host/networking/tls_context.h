// OpenSSL's side of lunatic::networking's TLS (lunatic-abi.md §20.3): the contexts of
// listeners and clients, the sessions made from them, the names a client may ask for, and
// OpenSSL's error texts. Safe defaults: TLS 1.2 or 1.3 with OpenSSL's default ciphers, no
// renegotiation, no client certificates; a client verifies the server's certificate chain
// and that the certificate names the server.
#pragma once

#include "host/distributed/openssl_handles.h"

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tycho::host::tls {

using SslContext = std::unique_ptr<SSL_CTX, certificates::Deleter<SSL_CTX_free>>;
using Ssl = std::unique_ptr<SSL, certificates::Deleter<SSL_free>>;

// The reasons in this thread's OpenSSL error queue, oldest first, joined by "; " ("no
// details" when it is empty); empties the queue.
std::string openssl_reasons();

// A listener's context: the one certificate of `certificate_pem` and the one PKCS#8 private
// key of `key_pem`, which must belong together; else what is wrong with them.
std::variant<SslContext, std::string> server_context(std::string_view certificate_pem,
                                                     std::string_view key_pem);

// A client context that trusts no certificate yet (add_roots adds some).
std::variant<SslContext, std::string> client_context();
// Trusts the certificates in `pem` as roots; returns false (and trusts none of this text)
// when it cannot be read.
bool add_roots(SSL_CTX* context, std::string_view pem);

// The client context that trusts the system's roots (Debian: ca-certificates), made at the
// first call, which reads the system's certificate store: make it off the worker threads
// (system_roots_ready says whether it is made). nullptr and `error` if it cannot be made.
SSL_CTX* system_roots_context(std::string& error);
bool system_roots_ready();

// What a client connects to: a DNS name or an IP address. It is both what the server's
// certificate must name and, for DNS names, the name the client asks for (SNI).
struct ServerName {
    std::string text; // a DNS name has no trailing dot
    bool is_ip = false;
};
// nullopt unless `text` is a DNS name (labels of letters, digits, '-' and '_', each at most
// 63 characters, 253 in all, an optional trailing dot) or an IPv4 or IPv6 address.
std::optional<ServerName> parse_server_name(std::string_view text);

// A session of a listener's context, or one of a client context for `server`; else why not.
std::variant<Ssl, std::string> server_session(SSL_CTX* context);
std::variant<Ssl, std::string> client_session(SSL_CTX* context, const ServerName& server);

// Why a handshake, read or write failed: OpenSSL's reasons, and for a certificate that
// did not verify, why (`ssl_error` is SSL_get_error's answer; call on the failing thread).
std::string failure_reason(SSL* ssl, int ssl_error);

} // namespace tycho::host::tls
