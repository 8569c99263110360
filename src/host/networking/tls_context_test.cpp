// Tests of the OpenSSL side of TLS (tls_context.h, pem.h): which server names a client takes,
// what tls_bind's PEM texts must hold, and handshakes between a client and a server session
// over an in-memory pair of BIOs: the certificate must chain to a trusted root and carry
// the name (or IP address) asked for.
#include "host/networking/tls_context.h"

#include "host/distributed/certificates.h"
#include "host/networking/pem.h"

#include <gtest/gtest.h>

#include <openssl/err.h>

#include <string>

namespace tycho::host::tls {
namespace {

TEST(ServerName, DnsNamesAndIpAddressesAreTaken) {
    for (const char* name : {"localhost", "example.com", "a-b.example_1.org", "xn--nxasmq6b.com"}) {
        auto parsed = parse_server_name(name);
        ASSERT_TRUE(parsed) << name;
        EXPECT_EQ(parsed->text, name);
        EXPECT_FALSE(parsed->is_ip);
    }
    EXPECT_EQ(parse_server_name("example.com.")->text, "example.com");
    EXPECT_EQ(parse_server_name(std::string(63, 'a') + ".com")->text,
              std::string(63, 'a') + ".com");
    for (const char* ip : {"127.0.0.1", "::1", "2001:db8::7"}) {
        auto parsed = parse_server_name(ip);
        ASSERT_TRUE(parsed) << ip;
        EXPECT_TRUE(parsed->is_ip) << ip;
    }
}

TEST(ServerName, EverythingElseIsRefused) {
    const std::string label64(64, 'a');
    std::string too_long;
    while (too_long.size() < 254)
        too_long += "abcdefg.";
    too_long += "com";
    for (const std::string& name :
         {std::string(), std::string("."), std::string(".."), std::string("a..b"),
          std::string(".a"), std::string("a.b.."), std::string("-a.com"), std::string("a-.com"),
          std::string("a b"), std::string("a:443"), std::string("[::1]"), std::string("10.0.0.300"),
          std::string("1.2.3"), std::string("caf\xc3\xa9.com"), std::string("a\0b", 3),
          label64 + ".com", too_long})
        EXPECT_FALSE(parse_server_name(name)) << "'" << name << "'";
}

certificates::CertifiedKey authority() {
    auto made = certificates::test_authority();
    EXPECT_TRUE(made) << made.error().message;
    return made.value();
}

certificates::CertifiedKey server_for(const char* name) {
    const auto ca = authority();
    auto made =
        certificates::issue_server_certificate(ca.certificate_pem, ca.private_key_pem, name);
    EXPECT_TRUE(made) << made.error().message;
    return made.value();
}

TEST(Pem, ReadsCertificatesAndPkcs8KeysAndSkipsTheRest) {
    const auto server = server_for("localhost");
    const std::string text = "junk before\n" + server.certificate_pem +
                             "-----BEGIN OTHER THING-----\nAAAA\n-----END OTHER THING-----\n" +
                             server.private_key_pem + authority().certificate_pem;
    auto items = pem::read(text);
    ASSERT_TRUE(std::holds_alternative<pem::Items>(items)) << std::get<std::string>(items);
    EXPECT_EQ(std::get<pem::Items>(items).certificates.size(), 2u);
    EXPECT_EQ(std::get<pem::Items>(items).private_keys.size(), 1u);

    auto none = pem::read("no PEM here");
    ASSERT_TRUE(std::holds_alternative<pem::Items>(none));
    EXPECT_TRUE(std::get<pem::Items>(none).certificates.empty());
    EXPECT_EQ(ERR_peek_error(), 0u) << "the end of the blocks stays in OpenSSL's error queue";
}

TEST(Pem, BrokenBlocksAreErrors) {
    auto bad_base64 = pem::read("-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----\n");
    ASSERT_TRUE(std::holds_alternative<std::string>(bad_base64));
    EXPECT_NE(std::get<std::string>(bad_base64).find("PEM block 1 is malformed"),
              std::string::npos);

    // Valid base64, but no certificate inside.
    auto not_der = pem::read("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    ASSERT_TRUE(std::holds_alternative<std::string>(not_der));
    EXPECT_NE(std::get<std::string>(not_der).find("not a valid certificate"), std::string::npos);

    auto too_long = pem::read(std::string(pem::kMaxBytes + 1, 'a'));
    ASSERT_TRUE(std::holds_alternative<std::string>(too_long));
    EXPECT_NE(std::get<std::string>(too_long).find("more than 1048576"), std::string::npos);

    auto not_key = pem::read("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    ASSERT_TRUE(std::holds_alternative<std::string>(not_key));
    EXPECT_NE(std::get<std::string>(not_key).find("not a valid PKCS#8"), std::string::npos);
}

std::string server_context_error(const std::string& certificate, const std::string& key) {
    auto made = server_context(certificate, key);
    return std::holds_alternative<std::string>(made) ? std::get<std::string>(made) : "";
}

TEST(ServerContext, NeedsExactlyOneCertificateAndItsKey) {
    const auto server = server_for("localhost");
    EXPECT_EQ(server_context_error(server.certificate_pem, server.private_key_pem), "");
    EXPECT_EQ(server_context_error("", server.private_key_pem),
              "the certificate PEM holds 0 certificates; exactly one is needed");
    EXPECT_EQ(server_context_error(server.certificate_pem + server.certificate_pem,
                                   server.private_key_pem),
              "the certificate PEM holds 2 certificates; exactly one is needed");
    EXPECT_EQ(server_context_error(server.certificate_pem, ""),
              "the private key PEM holds 0 PKCS#8 private keys (\"BEGIN PRIVATE KEY\"); exactly "
              "one is needed");
    EXPECT_EQ(server_context_error(server.certificate_pem, server_for("other").private_key_pem),
              "the private key does not belong to the certificate");
    EXPECT_EQ(ERR_peek_error(), 0u);
}

// A client and a server session talking through a pair of memory BIOs until both finish
// their handshakes or one fails; the client's failure reason, or "" when both finished.
std::string handshake(SSL_CTX* client_context, const std::string& name, SSL_CTX* server_context) {
    auto server_name = parse_server_name(name);
    EXPECT_TRUE(server_name) << name;
    auto client = client_session(client_context, *server_name);
    auto server = server_session(server_context);
    EXPECT_TRUE(std::holds_alternative<Ssl>(client) && std::holds_alternative<Ssl>(server));
    SSL* c = std::get<Ssl>(client).get();
    SSL* s = std::get<Ssl>(server).get();
    BIO* client_end = nullptr;
    BIO* server_end = nullptr;
    EXPECT_EQ(BIO_new_bio_pair(&client_end, 0, &server_end, 0), 1);
    SSL_set_bio(c, client_end, client_end);
    SSL_set_bio(s, server_end, server_end);
    for (int round = 0; round < 20; ++round) {
        const int client_done = SSL_do_handshake(c);
        const int client_error = SSL_get_error(c, client_done);
        if (client_done != 1 && client_error != SSL_ERROR_WANT_READ)
            return failure_reason(c, client_error);
        const int server_done = SSL_do_handshake(s);
        if (server_done != 1 && SSL_get_error(s, server_done) != SSL_ERROR_WANT_READ) {
            ERR_clear_error();
            return "the server failed";
        }
        if (client_done == 1 && server_done == 1) return "";
    }
    return "no end";
}

TEST(Handshake, VerifiesTheChainAndTheName) {
    const auto ca = authority();
    const auto server = server_for("localhost");
    auto made = server_context(server.certificate_pem, server.private_key_pem);
    ASSERT_TRUE(std::holds_alternative<SslContext>(made));
    SSL_CTX* listener = std::get<SslContext>(made).get();

    auto trusting = client_context();
    ASSERT_TRUE(std::holds_alternative<SslContext>(trusting));
    SSL_CTX* client = std::get<SslContext>(trusting).get();
    ASSERT_TRUE(add_roots(client, ca.certificate_pem));
    EXPECT_FALSE(add_roots(client, "-----BEGIN CERTIFICATE-----\n@\n-----END CERTIFICATE-----\n"));

    EXPECT_EQ(handshake(client, "localhost", listener), "");
    EXPECT_EQ(handshake(client, "LOCALHOST.", listener), "");
    EXPECT_EQ(handshake(client, "example.com", listener),
              "certificate verify failed (hostname mismatch)");
    EXPECT_EQ(handshake(client, "127.0.0.1", listener),
              "certificate verify failed (IP address mismatch)");

    auto untrusting = client_context();
    ASSERT_TRUE(std::holds_alternative<SslContext>(untrusting));
    EXPECT_EQ(handshake(std::get<SslContext>(untrusting).get(), "localhost", listener),
              "certificate verify failed (unable to get local issuer certificate)");

    std::string error;
    SSL_CTX* system = system_roots_context(error);
    ASSERT_NE(system, nullptr) << error;
    EXPECT_TRUE(system_roots_ready());
    EXPECT_EQ(handshake(system, "localhost", listener),
              "certificate verify failed (unable to get local issuer certificate)");
}

} // namespace
} // namespace tycho::host::tls
