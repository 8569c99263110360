// PEM texts as tls_bind and tls_connect take them (lunatic-abi.md §20.3): certificates
// ("BEGIN CERTIFICATE") and unencrypted PKCS#8 private keys ("BEGIN PRIVATE KEY"). Blocks
// of other kinds, and text between blocks, are skipped, as Lunatic's PEM reader does.
#pragma once

#include "host/distributed/openssl_handles.h"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tycho::host::pem {

struct Items {
    std::vector<certificates::Certificate> certificates;
    std::vector<certificates::Key> private_keys;
};

// A longer text is refused before it is read: no certificate or key is anywhere near as big,
// and reading makes OpenSSL allocate as much again.
constexpr size_t kMaxBytes = size_t(1) << 20;

// Every certificate and private key in `text`, in order; the reason when a block is
// malformed (bad base64, no end line) or does not hold what its label says, or the text is
// longer than kMaxBytes.
std::variant<Items, std::string> read(std::string_view text);

} // namespace tycho::host::pem
