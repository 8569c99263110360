#include "host/networking/pem.h"

#include "host/networking/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <memory>

namespace tycho::host::pem {

namespace {

// One block as PEM_read_bio hands it out; its buffers are OpenSSL's.
struct Block {
    char* label = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long length = 0;
    ~Block() {
        OPENSSL_free(label);
        OPENSSL_free(header);
        OPENSSL_free(data);
    }
};

using PrivateKeyInfo =
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, certificates::Deleter<PKCS8_PRIV_KEY_INFO_free>>;

// The DER of a certificate, which must fill the block.
certificates::Certificate certificate_of(const Block& block) {
    const unsigned char* next = block.data;
    certificates::Certificate certificate(d2i_X509(nullptr, &next, block.length));
    if (certificate && next != block.data + block.length) return nullptr;
    return certificate;
}

certificates::Key private_key_of(const Block& block) {
    const unsigned char* next = block.data;
    PrivateKeyInfo info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &next, block.length));
    if (!info || next != block.data + block.length) return nullptr;
    return certificates::Key(EVP_PKCS82PKEY(info.get()));
}

} // namespace

std::variant<Items, std::string> read(std::string_view text) {
    if (text.size() > kMaxBytes)
        return "the PEM text is " + std::to_string(text.size()) + " bytes long, more than " +
               std::to_string(kMaxBytes) + " (1 MiB)";
    ERR_clear_error();
    certificates::Bio in(BIO_new_mem_buf(text.data(), int(text.size())));
    if (!in) return "cannot read the PEM text (" + tls::openssl_reasons() + ")";
    Items items;
    for (int index = 1;; ++index) {
        Block block;
        if (PEM_read_bio(in.get(), &block.label, &block.header, &block.data, &block.length) != 1) {
            // Running out of blocks is the normal end; anything else is a broken block.
            const unsigned long error = ERR_peek_last_error();
            if (ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE) {
                ERR_clear_error();
                return items;
            }
            return "PEM block " + std::to_string(index) + " is malformed (" +
                   tls::openssl_reasons() + ")";
        }
        const std::string_view label(block.label);
        if (label == "CERTIFICATE") {
            auto certificate = certificate_of(block);
            if (!certificate)
                return "PEM block " + std::to_string(index) + " is not a valid certificate (" +
                       tls::openssl_reasons() + ")";
            items.certificates.push_back(std::move(certificate));
        } else if (label == "PRIVATE KEY") {
            auto key = private_key_of(block);
            if (!key)
                return "PEM block " + std::to_string(index) +
                       " is not a valid PKCS#8 private key (" + tls::openssl_reasons() + ")";
            items.private_keys.push_back(std::move(key));
        }
    }
}

} // namespace tycho::host::pem
