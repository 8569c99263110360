// The certificate helpers of lunatic::distributed (lunatic-abi.md §25), with OpenSSL: a test
// certificate authority, a control-server certificate issued by a given authority, and node
// certificates signed from their signing requests. Keys are ECDSA P-256, signatures SHA-256
// (Ed25519 and Ed448 authorities sign without a separate digest); PEM in and out, private
// keys as PKCS#8 ("BEGIN PRIVATE KEY").
//
// The test authority is Tycho's own: generated at first use, once per runtime (the OS
// process), and never written anywhere. Two runtimes therefore have different test
// authorities; Lunatic's built-in test authority (and its key) is not used.
//
// These run for milliseconds: host functions call them off the worker threads.
#pragma once

#include <tycho/wasm/result.h>

#include <string>
#include <string_view>

namespace tycho::host::certificates {

struct CertifiedKey {
    std::string certificate_pem;
    std::string private_key_pem;
};

struct Error {
    enum class Cause {
        authority, // the authority's certificate or key is unusable (or they do not match)
        request,   // the signing request is unusable
        internal,  // OpenSSL failed to make or sign something
    };
    Cause cause;
    std::string message;
};

// How long issued certificates (and the test authority) are valid, from an hour ago.
inline constexpr long kValidityDays = 3650;
// The control server's name in default_server_certificates.
inline constexpr std::string_view kControlServerName = "ctrl.lunatic.cloud";

// The runtime's test authority (CN "Tycho test CA"), made at the first call.
wasm::Result<CertifiedKey, Error> test_authority();

// A new key and a certificate for `dns_name` (subject CN and DNS subject alternative name,
// for TLS servers) issued by the authority.
wasm::Result<CertifiedKey, Error> issue_server_certificate(std::string_view authority_pem,
                                                           std::string_view authority_key_pem,
                                                           std::string_view dns_name);

// A certificate for the request's subject and public key, with the subject alternative names
// it asks for, issued by the authority (for TLS clients and servers). The request's own
// signature must verify.
wasm::Result<std::string, Error> sign_request(std::string_view authority_pem,
                                              std::string_view authority_key_pem,
                                              std::string_view request_pem);

} // namespace tycho::host::certificates
