#include "host/distributed/certificates.h"

#include "host/distributed/openssl_handles.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <climits>

namespace tycho::host::certificates {

namespace {

// What OpenSSL said about the last failure (and its error queue emptied).
std::string openssl_reason() {
    std::string reason;
    while (unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        if (!reason.empty()) reason += "; ";
        reason += text;
    }
    return reason.empty() ? "no details" : reason;
}

Error failure(Error::Cause cause, std::string what) {
    return Error{cause, std::move(what) + " (" + openssl_reason() + ")"};
}

// A read-only BIO over `text`, which must outlive it.
Bio reading(std::string_view text) {
    if (text.size() > size_t(INT_MAX)) return nullptr;
    return Bio(BIO_new_mem_buf(text.data(), int(text.size())));
}

template <class Write> std::string pem_of(Write write) {
    Bio out(BIO_new(BIO_s_mem()));
    if (!out || write(out.get()) != 1) return {};
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return size > 0 ? std::string(data, size_t(size)) : std::string();
}

wasm::Result<CertifiedKey, Error> as_pem(X509* certificate, EVP_PKEY* key) {
    CertifiedKey out;
    out.certificate_pem = pem_of([&](BIO* b) { return PEM_write_bio_X509(b, certificate); });
    out.private_key_pem = pem_of([&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
    });
    if (out.certificate_pem.empty() || out.private_key_pem.empty())
        return failure(Error::Cause::internal, "cannot write the certificate as PEM");
    return out;
}

Key new_key() {
    return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

// The digest to sign with: none for the keys that sign messages whole (Ed25519, Ed448).
const EVP_MD* digest_for(EVP_PKEY* key) {
    const int id = EVP_PKEY_get_id(key);
    return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448 ? nullptr : EVP_sha256();
}

bool add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

// A v3 certificate for `subject` and `public_key` with a random 127-bit serial number,
// valid from an hour ago for kValidityDays; issuer and signature come later.
Certificate new_certificate(const X509_NAME* subject, EVP_PKEY* public_key) {
    Certificate certificate(X509_new());
    BigNumber serial(BN_new());
    if (!certificate || !serial || X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
        BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())) == nullptr ||
        X509_set_subject_name(certificate.get(), subject) != 1 ||
        X509_set_pubkey(certificate.get(), public_key) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600) == nullptr ||
        X509_time_adj_ex(X509_getm_notAfter(certificate.get()), int(kValidityDays), 0, nullptr) ==
            nullptr)
        return nullptr;
    return certificate;
}

Name name_with_common_name(std::string_view common_name, const char* organization) {
    Name name(X509_NAME_new());
    const auto* cn = reinterpret_cast<const unsigned char*>(common_name.data());
    if (!name ||
        X509_NAME_add_entry_by_txt(name.get(), "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(organization), -1, -1,
                                   0) != 1 ||
        X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8, cn, int(common_name.size()), -1,
                                   0) != 1)
        return nullptr;
    return name;
}

struct Authority {
    Certificate certificate;
    Key key;
};

// Parses an authority's certificate and private key and checks that they belong together.
wasm::Result<Authority, Error> read_authority(std::string_view certificate_pem,
                                              std::string_view key_pem) {
    ERR_clear_error();
    Authority authority;
    Bio certificate_in = reading(certificate_pem);
    if (certificate_in)
        authority.certificate.reset(
            PEM_read_bio_X509(certificate_in.get(), nullptr, nullptr, nullptr));
    if (!authority.certificate)
        return failure(Error::Cause::authority, "the CA certificate is not a PEM certificate");
    Bio key_in = reading(key_pem);
    if (key_in)
        authority.key.reset(PEM_read_bio_PrivateKey(key_in.get(), nullptr, nullptr, nullptr));
    if (!authority.key)
        return failure(Error::Cause::authority, "the CA key is not a PEM private key");
    if (X509_check_private_key(authority.certificate.get(), authority.key.get()) != 1)
        return failure(Error::Cause::authority, "the CA key does not belong to the CA certificate");
    return authority;
}

bool sign(X509* certificate, const Authority& authority) {
    return X509_set_issuer_name(certificate, X509_get_subject_name(authority.certificate.get())) ==
               1 &&
           add_extension(certificate, authority.certificate.get(), NID_subject_key_identifier,
                         "hash") &&
           add_extension(certificate, authority.certificate.get(), NID_authority_key_identifier,
                         "keyid:always") &&
           X509_sign(certificate, authority.key.get(), digest_for(authority.key.get())) > 0;
}

wasm::Result<CertifiedKey, Error> make_test_authority() {
    ERR_clear_error();
    Key key = new_key();
    Name subject = name_with_common_name("Tycho test CA", "Tycho");
    Certificate certificate = key && subject ? new_certificate(subject.get(), key.get()) : nullptr;
    if (!certificate || X509_set_issuer_name(certificate.get(), subject.get()) != 1 ||
        !add_extension(certificate.get(), certificate.get(), NID_basic_constraints,
                       "critical,CA:TRUE") ||
        !add_extension(certificate.get(), certificate.get(), NID_key_usage,
                       "critical,keyCertSign,cRLSign") ||
        !add_extension(certificate.get(), certificate.get(), NID_subject_key_identifier, "hash") ||
        X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0)
        return failure(Error::Cause::internal, "cannot make the test CA");
    return as_pem(certificate.get(), key.get());
}

} // namespace

wasm::Result<CertifiedKey, Error> test_authority() {
    static const wasm::Result<CertifiedKey, Error> authority = make_test_authority();
    return authority;
}

wasm::Result<CertifiedKey, Error> issue_server_certificate(std::string_view authority_pem,
                                                           std::string_view authority_key_pem,
                                                           std::string_view dns_name) {
    auto authority = read_authority(authority_pem, authority_key_pem);
    if (!authority) return authority.error();
    Key key = new_key();
    Name subject = name_with_common_name(dns_name, "Lunatic");
    Certificate certificate = key && subject ? new_certificate(subject.get(), key.get()) : nullptr;
    const std::string alternative_name = "DNS:" + std::string(dns_name);
    if (!certificate ||
        !add_extension(certificate.get(), nullptr, NID_basic_constraints, "critical,CA:FALSE") ||
        !add_extension(certificate.get(), nullptr, NID_key_usage,
                       "critical,digitalSignature,keyEncipherment") ||
        !add_extension(certificate.get(), nullptr, NID_ext_key_usage, "serverAuth") ||
        !add_extension(certificate.get(), nullptr, NID_subject_alt_name,
                       alternative_name.c_str()) ||
        !sign(certificate.get(), *authority))
        return failure(Error::Cause::internal,
                       "cannot issue a certificate for " + std::string(dns_name));
    return as_pem(certificate.get(), key.get());
}

wasm::Result<std::string, Error> sign_request(std::string_view authority_pem,
                                              std::string_view authority_key_pem,
                                              std::string_view request_pem) {
    auto authority = read_authority(authority_pem, authority_key_pem);
    if (!authority) return authority.error();
    Request request;
    if (Bio in = reading(request_pem))
        request.reset(PEM_read_bio_X509_REQ(in.get(), nullptr, nullptr, nullptr));
    if (!request)
        return failure(Error::Cause::request, "the request is not a PEM certificate request");
    EVP_PKEY* public_key = X509_REQ_get0_pubkey(request.get());
    if (public_key == nullptr || X509_REQ_verify(request.get(), public_key) != 1)
        return failure(Error::Cause::request, "the request's signature does not verify");

    Certificate certificate = new_certificate(X509_REQ_get_subject_name(request.get()), public_key);
    if (!certificate ||
        !add_extension(certificate.get(), nullptr, NID_basic_constraints, "critical,CA:FALSE") ||
        !add_extension(certificate.get(), nullptr, NID_key_usage,
                       "critical,digitalSignature,keyEncipherment") ||
        !add_extension(certificate.get(), nullptr, NID_ext_key_usage, "serverAuth,clientAuth"))
        return failure(Error::Cause::internal, "cannot make the node certificate");
    // The names the request asks for; its other extensions are the authority's to decide.
    Extensions requested(X509_REQ_get_extensions(request.get()));
    for (int i = 0; requested && i < sk_X509_EXTENSION_num(requested.get()); ++i) {
        X509_EXTENSION* extension = sk_X509_EXTENSION_value(requested.get(), i);
        if (OBJ_obj2nid(X509_EXTENSION_get_object(extension)) == NID_subject_alt_name &&
            X509_add_ext(certificate.get(), extension, -1) != 1)
            return failure(Error::Cause::request, "cannot copy the requested names");
    }
    if (!sign(certificate.get(), *authority))
        return failure(Error::Cause::request, "cannot sign the request");
    std::string pem = pem_of([&](BIO* b) { return PEM_write_bio_X509(b, certificate.get()); });
    if (pem.empty()) return failure(Error::Cause::internal, "cannot write the certificate as PEM");
    return pem;
}

} // namespace tycho::host::certificates
