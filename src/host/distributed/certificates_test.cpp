// Tests of the certificate helpers (certificates.h), checked with OpenSSL itself: chains
// verify against the authority, subjects and alternative names are the ones asked for, and
// unusable authorities and requests are told apart.
#include "host/distributed/certificates.h"

#include "host/distributed/openssl_handles.h"

#include <gtest/gtest.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace tycho::host::certificates {
namespace {

using Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreContext = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using Names = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;

Certificate read_certificate(const std::string& pem) {
    Bio in(BIO_new_mem_buf(pem.data(), int(pem.size())));
    return Certificate(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
}
Key read_key(const std::string& pem) {
    Bio in(BIO_new_mem_buf(pem.data(), int(pem.size())));
    return Key(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
}

std::string common_name(X509* certificate) {
    char text[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, text,
                              sizeof text);
    return text;
}

std::vector<std::string> dns_names(X509* certificate) {
    std::vector<std::string> out;
    Names names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type != GEN_DNS) continue;
        const ASN1_IA5STRING* dns = name->d.dNSName;
        out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                         size_t(ASN1_STRING_length(dns)));
    }
    return out;
}

// Whether `leaf` verifies against `authority` as the only trusted certificate; the error
// text otherwise.
std::string verify(X509* leaf, X509* authority) {
    Store store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), authority);
    StoreContext context(X509_STORE_CTX_new());
    X509_STORE_CTX_init(context.get(), store.get(), leaf, nullptr);
    if (X509_verify_cert(context.get()) == 1) return "ok";
    return X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
}

// A certificate request made here, as a node would: its own key, CN and DNS names.
std::string make_request(const char* cn, const char* alternative_names, bool tamper = false) {
    Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    Request request(X509_REQ_new());
    X509_NAME* name = X509_REQ_get_subject_name(request.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_REQ_set_pubkey(request.get(), key.get());
    if (alternative_names != nullptr) {
        STACK_OF(X509_EXTENSION)* extensions = sk_X509_EXTENSION_new_null();
        sk_X509_EXTENSION_push(
            extensions,
            X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, alternative_names));
        X509_REQ_add_extensions(request.get(), extensions);
        sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
    }
    X509_REQ_sign(request.get(), key.get(), EVP_sha256());
    if (tamper) { // a different subject after signing: the signature no longer fits
        X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(request.get()), "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>("evil"), -1, -1, 0);
    }
    Bio out(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_REQ(out.get(), request.get());
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return std::string(data, size_t(size));
}

TEST(Certificates, TheTestAuthorityIsASelfSignedCaMadeOnce) {
    auto authority = test_authority();
    ASSERT_TRUE(authority) << authority.error().message;
    EXPECT_EQ(authority->certificate_pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
    EXPECT_EQ(authority->private_key_pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
    Certificate certificate = read_certificate(authority->certificate_pem);
    Key key = read_key(authority->private_key_pem);
    ASSERT_TRUE(certificate && key);
    EXPECT_EQ(X509_check_private_key(certificate.get(), key.get()), 1);
    EXPECT_EQ(X509_check_ca(certificate.get()), 1);
    EXPECT_EQ(common_name(certificate.get()), "Tycho test CA");
    EXPECT_EQ(verify(certificate.get(), certificate.get()), "ok");
    // The same one every time.
    auto again = test_authority();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->certificate_pem, authority->certificate_pem);
    EXPECT_EQ(again->private_key_pem, authority->private_key_pem);
}

TEST(Certificates, TheServerCertificateNamesTheControlServerAndChainsToTheCa) {
    auto authority = test_authority();
    ASSERT_TRUE(authority);
    auto server = issue_server_certificate(authority->certificate_pem, authority->private_key_pem,
                                           kControlServerName);
    ASSERT_TRUE(server) << server.error().message;
    Certificate certificate = read_certificate(server->certificate_pem);
    Key key = read_key(server->private_key_pem);
    ASSERT_TRUE(certificate && key);
    EXPECT_EQ(X509_check_private_key(certificate.get(), key.get()), 1);
    Certificate ca = read_certificate(authority->certificate_pem);
    EXPECT_EQ(verify(certificate.get(), ca.get()), "ok");
    EXPECT_EQ(common_name(certificate.get()), "ctrl.lunatic.cloud");
    EXPECT_EQ(dns_names(certificate.get()), std::vector<std::string>{"ctrl.lunatic.cloud"});
    EXPECT_EQ(X509_check_host(certificate.get(), "ctrl.lunatic.cloud", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_ca(certificate.get()), 0);
    // A fresh key each time.
    auto another = issue_server_certificate(authority->certificate_pem, authority->private_key_pem,
                                            kControlServerName);
    ASSERT_TRUE(another);
    EXPECT_NE(another->private_key_pem, server->private_key_pem);
}

TEST(Certificates, ASignedRequestKeepsItsSubjectKeyAndNames) {
    auto authority = test_authority();
    ASSERT_TRUE(authority);
    const std::string request_pem = make_request("node-7", "DNS:node-7.local,DNS:10.0.0.7.nip");
    auto signed_pem =
        sign_request(authority->certificate_pem, authority->private_key_pem, request_pem);
    ASSERT_TRUE(signed_pem) << signed_pem.error().message;
    Certificate certificate = read_certificate(*signed_pem);
    ASSERT_TRUE(certificate);
    Certificate ca = read_certificate(authority->certificate_pem);
    EXPECT_EQ(verify(certificate.get(), ca.get()), "ok");
    EXPECT_EQ(common_name(certificate.get()), "node-7");
    EXPECT_EQ(dns_names(certificate.get()),
              (std::vector<std::string>{"node-7.local", "10.0.0.7.nip"}));
    Bio in(BIO_new_mem_buf(request_pem.data(), int(request_pem.size())));
    Request request(PEM_read_bio_X509_REQ(in.get(), nullptr, nullptr, nullptr));
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), X509_REQ_get0_pubkey(request.get())),
              1);
    EXPECT_EQ(X509_check_ca(certificate.get()), 0);
    // Without alternative names the certificate has none.
    auto plain = sign_request(authority->certificate_pem, authority->private_key_pem,
                              make_request("node-8", nullptr));
    ASSERT_TRUE(plain);
    EXPECT_TRUE(dns_names(read_certificate(*plain).get()).empty());
}

TEST(Certificates, AnotherAuthorityWorksToo) {
    auto first = test_authority();
    ASSERT_TRUE(first);
    // A server certificate is no CA, but it can still sign: what matters is that the
    // authority's certificate and key are read and used, whatever they are.
    auto other =
        issue_server_certificate(first->certificate_pem, first->private_key_pem, "other.example");
    ASSERT_TRUE(other);
    auto signed_pem =
        sign_request(other->certificate_pem, other->private_key_pem, make_request("n", nullptr));
    ASSERT_TRUE(signed_pem) << signed_pem.error().message;
    Certificate certificate = read_certificate(*signed_pem);
    char issuer[256] = {};
    X509_NAME_get_text_by_NID(X509_get_issuer_name(certificate.get()), NID_commonName, issuer,
                              sizeof issuer);
    EXPECT_STREQ(issuer, "other.example");
}

TEST(Certificates, UnusableAuthoritiesAreTheAuthoritysFault) {
    auto authority = test_authority();
    ASSERT_TRUE(authority);
    const std::string request = make_request("n", nullptr);
    auto garbage = sign_request("not a certificate", authority->private_key_pem, request);
    ASSERT_FALSE(garbage);
    EXPECT_EQ(garbage.error().cause, Error::Cause::authority);
    EXPECT_NE(garbage.error().message.find("CA certificate"), std::string::npos);

    auto no_key = issue_server_certificate(authority->certificate_pem, "", kControlServerName);
    ASSERT_FALSE(no_key);
    EXPECT_EQ(no_key.error().cause, Error::Cause::authority);
    EXPECT_NE(no_key.error().message.find("CA key"), std::string::npos);

    // A key that belongs to another certificate.
    auto server = issue_server_certificate(authority->certificate_pem, authority->private_key_pem,
                                           kControlServerName);
    ASSERT_TRUE(server);
    auto mismatched = issue_server_certificate(authority->certificate_pem, server->private_key_pem,
                                               kControlServerName);
    ASSERT_FALSE(mismatched);
    EXPECT_EQ(mismatched.error().cause, Error::Cause::authority);
    EXPECT_NE(mismatched.error().message.find("does not belong"), std::string::npos);
}

TEST(Certificates, UnusableRequestsAreTheRequestsFault) {
    auto authority = test_authority();
    ASSERT_TRUE(authority);
    for (const std::string& request :
         {std::string("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE "
                      "REQUEST-----\n"),
          std::string("garbage"), std::string(), authority->certificate_pem,
          make_request("n", nullptr, /*tamper=*/true)}) {
        auto result = sign_request(authority->certificate_pem, authority->private_key_pem, request);
        ASSERT_FALSE(result) << request;
        EXPECT_EQ(result.error().cause, Error::Cause::request) << result.error().message;
    }
}

} // namespace
} // namespace tycho::host::certificates
