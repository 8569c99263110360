// Owning handles for OpenSSL objects (each freed with its own function).
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace tycho::host::certificates {

template <auto Free> struct Deleter {
    template <class T> void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509_free>>;
using Request = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using Name = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using BigNumber = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
struct ExtensionsDeleter {
    void operator()(STACK_OF(X509_EXTENSION) * p) const {
        sk_X509_EXTENSION_pop_free(p, X509_EXTENSION_free);
    }
};
using Extensions = std::unique_ptr<STACK_OF(X509_EXTENSION), ExtensionsDeleter>;

} // namespace tycho::host::certificates
