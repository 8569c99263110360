#include "host/networking/tls_context.h"

#include "host/networking/pem.h"
#include "host/networking/socket_address.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <mutex>

namespace tycho::host::tls {

std::string openssl_reasons() {
    std::string reasons;
    while (const unsigned long code = ERR_get_error()) {
        const char* reason = ERR_reason_error_string(code);
        const std::string text =
            reason != nullptr ? reason : "OpenSSL error " + std::to_string(ERR_GET_REASON(code));
        if (reasons.find(text) != std::string::npos) continue; // OpenSSL repeats itself
        if (!reasons.empty()) reasons += "; ";
        reasons += text;
    }
    return reasons.empty() ? "no details" : reasons;
}

namespace {

// What every context shares: TLS 1.2 at least, no renegotiation, and no session cache
// (TLS 1.3 tickets are stateless, so nothing grows with the number of clients).
std::variant<SslContext, std::string> new_context(const SSL_METHOD* method) {
    ERR_clear_error();
    SslContext context(SSL_CTX_new(method));
    if (!context || SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION) != 1)
        return "cannot make a TLS context (" + openssl_reasons() + ")";
    SSL_CTX_set_options(context.get(), SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_session_cache_mode(context.get(), SSL_SESS_CACHE_OFF);
    return context;
}

std::string count_of(size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

std::variant<SslContext, std::string> server_context(std::string_view certificate_pem,
                                                     std::string_view key_pem) {
    auto certificates = pem::read(certificate_pem);
    if (auto* error = std::get_if<std::string>(&certificates))
        return "the certificate PEM cannot be read: " + *error;
    auto keys = pem::read(key_pem);
    if (auto* error = std::get_if<std::string>(&keys))
        return "the private key PEM cannot be read: " + *error;
    auto& certificate_list = std::get<pem::Items>(certificates).certificates;
    auto& key_list = std::get<pem::Items>(keys).private_keys;
    if (certificate_list.size() != 1)
        return "the certificate PEM holds " +
               count_of(certificate_list.size(), "certificate", "certificates") +
               "; exactly one is needed";
    if (key_list.size() != 1)
        return "the private key PEM holds " +
               count_of(key_list.size(), "PKCS#8 private key", "PKCS#8 private keys") +
               " (\"BEGIN PRIVATE KEY\"); exactly one is needed";

    X509* certificate = certificate_list.front().get();
    EVP_PKEY* key = key_list.front().get();
    if (X509_check_private_key(certificate, key) != 1) {
        ERR_clear_error();
        return std::string("the private key does not belong to the certificate");
    }

    auto made = new_context(TLS_server_method());
    if (auto* error = std::get_if<std::string>(&made)) return *error;
    SslContext context = std::move(std::get<SslContext>(made));
    if (SSL_CTX_use_certificate(context.get(), certificate) != 1 ||
        SSL_CTX_use_PrivateKey(context.get(), key) != 1)
        return "the certificate and key cannot be used for TLS (" + openssl_reasons() + ")";
    return context;
}

std::variant<SslContext, std::string> client_context() {
    auto made = new_context(TLS_client_method());
    if (auto* context = std::get_if<SslContext>(&made)) {
        SSL_CTX_set_verify(context->get(), SSL_VERIFY_PEER, nullptr);
        // Every given root is a trust anchor, also one that is not self-signed.
        X509_STORE_set_flags(SSL_CTX_get_cert_store(context->get()), X509_V_FLAG_PARTIAL_CHAIN);
    }
    return made;
}

bool add_roots(SSL_CTX* context, std::string_view pem) {
    auto items = pem::read(pem);
    if (!std::holds_alternative<pem::Items>(items)) return false;
    X509_STORE* store = SSL_CTX_get_cert_store(context);
    for (const auto& certificate : std::get<pem::Items>(items).certificates)
        X509_STORE_add_cert(store, certificate.get()); // a duplicate is no error worth telling
    ERR_clear_error();
    return true;
}

namespace {

struct SystemRoots {
    SslContext context;
    std::string error;
};
std::atomic<bool> system_roots_made{false};

const SystemRoots& system_roots() {
    static const SystemRoots roots = [] {
        SystemRoots made;
        auto context = client_context();
        if (auto* error = std::get_if<std::string>(&context)) {
            made.error = *error;
        } else if (SSL_CTX_set_default_verify_paths(std::get<SslContext>(context).get()) != 1) {
            made.error =
                "cannot read the system's trusted certificates (" + openssl_reasons() + ")";
        } else {
            made.context = std::move(std::get<SslContext>(context));
        }
        system_roots_made.store(true, std::memory_order_release);
        return made;
    }();
    return roots;
}

} // namespace

SSL_CTX* system_roots_context(std::string& error) {
    const SystemRoots& roots = system_roots();
    error = roots.error;
    return roots.context.get();
}

bool system_roots_ready() {
    return system_roots_made.load(std::memory_order_acquire);
}

namespace {

bool is_dns_label(std::string_view label) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
        return false;
    for (char c : label)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    return true;
}

} // namespace

std::optional<ServerName> parse_server_name(std::string_view text) {
    if (text.size() > 254) return std::nullopt; // longer than any name or address
    if (SocketAddress::parse_ip(std::string(text), 0)) return ServerName{std::string(text), true};
    if (!text.empty() && text.back() == '.') text.remove_suffix(1);
    if (text.empty() || text.size() > 253) return std::nullopt;
    std::string_view rest = text, label;
    while (!rest.empty()) {
        const size_t dot = rest.find('.');
        label = rest.substr(0, dot);
        if (!is_dns_label(label)) return std::nullopt;
        rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
        if (dot != std::string_view::npos && rest.empty()) return std::nullopt; // "a..b", "a.."
    }
    // A last label of digits only would be read as an IPv4 address somewhere ("10.0.0.300").
    if (label.find_first_not_of("0123456789") == std::string_view::npos) return std::nullopt;
    return ServerName{std::string(text), false};
}

std::variant<Ssl, std::string> server_session(SSL_CTX* context) {
    ERR_clear_error();
    Ssl ssl(SSL_new(context));
    if (!ssl) return "cannot make a TLS session (" + openssl_reasons() + ")";
    SSL_set_accept_state(ssl.get());
    return ssl;
}

std::variant<Ssl, std::string> client_session(SSL_CTX* context, const ServerName& server) {
    ERR_clear_error();
    Ssl ssl(SSL_new(context));
    if (!ssl) return "cannot make a TLS session (" + openssl_reasons() + ")";
    bool named;
    if (server.is_ip) {
        named = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), server.text.c_str()) == 1;
    } else {
        SSL_set_hostflags(ssl.get(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        named = SSL_set_tlsext_host_name(ssl.get(), server.text.c_str()) == 1 &&
                SSL_set1_host(ssl.get(), server.text.c_str()) == 1;
    }
    if (!named) return "cannot set the server name " + server.text + " (" + openssl_reasons() + ")";
    SSL_set_connect_state(ssl.get());
    return ssl;
}

std::string failure_reason(SSL* ssl, int ssl_error) {
    std::string reason = openssl_reasons();
    if (ssl_error == SSL_ERROR_SYSCALL && reason == "no details")
        reason = "the connection ended in the middle of a TLS record";
    const long verified = SSL_get_verify_result(ssl);
    if (verified != X509_V_OK)
        reason += std::string(" (") + X509_verify_cert_error_string(verified) + ")";
    return reason;
}

} // namespace tycho::host::tls
