#include "support/test_certificates.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <utility>

namespace rehook::testing {
namespace {

template <auto Free>
struct FreeWith {
  template <class T>
  void operator()(T* pointer) const {
    Free(pointer);
  }
};

using BignumPtr = std::unique_ptr<BIGNUM, FreeWith<BN_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;
using CertificatePtr = std::unique_ptr<X509, FreeWith<X509_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, FreeWith<X509_EXTENSION_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;

// Backdated so that a certificate made this second is already valid for a verifier whose clock
// reads a little behind (a container, a VM); short-lived so that a leaked one is worthless.
constexpr long kBackdateSeconds = 60 * 60;
constexpr long kLifetimeSeconds = 24 * 60 * 60;

[[noreturn]] void Fail(const std::string& what) {
  std::string message = "test certificates: " + what;
  if (const unsigned long code = ERR_get_error()) {
    char reason[256];
    ERR_error_string_n(code, reason, sizeof reason);
    message.append(": ").append(reason);
  }
  ERR_clear_error();
  throw std::runtime_error(message);
}

void Require(bool ok, const std::string& what) {
  if (!ok) Fail(what);
}

KeyPtr MakeKey() {
  KeyPtr key(EVP_EC_gen("P-256"));
  Require(key != nullptr, "cannot generate an EC P-256 key");
  return key;
}

void AddName(X509_NAME* name, const char* field, const std::string& value) {
  Require(X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                     0) == 1,
          std::string("cannot set the name field ") + field);
}

// `issuer` is null for a self-signed certificate. Extensions are computed from the certificate
// as built so far (subjectKeyIdentifier needs its public key, authorityKeyIdentifier the
// issuer's), so they go in after the names and the key.
void AddExtension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer ? issuer : certificate, certificate, nullptr, nullptr, 0);
  ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, &context, nid, value.c_str()));
  Require(extension != nullptr,
          std::string("cannot make the extension ") + OBJ_nid2sn(nid) + " = " + value);
  Require(X509_add_ext(certificate, extension.get(), -1) == 1, "cannot add an extension");
}

using Extensions = std::vector<std::pair<int, std::string>>;

CertificatePtr MakeCertificate(const std::string& common_name, EVP_PKEY* key, X509* issuer,
                               EVP_PKEY* issuer_key, const Extensions& extensions) {
  CertificatePtr certificate(X509_new());
  Require(certificate != nullptr, "X509_new failed");
  X509* cert = certificate.get();
  Require(X509_set_version(cert, X509_VERSION_3) == 1, "cannot set the version");
  // Random serials: two certificates from one issuer name never share issuer and serial, which
  // verifiers take to mean "the same certificate".
  BignumPtr serial(BN_new());
  Require(serial && BN_rand(serial.get(), 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 &&
              BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) != nullptr,
          "cannot set a serial number");
  Require(
      X509_gmtime_adj(X509_getm_notBefore(cert), -kBackdateSeconds) != nullptr &&
          X509_gmtime_adj(X509_getm_notAfter(cert), kLifetimeSeconds - kBackdateSeconds) != nullptr,
      "cannot set the validity period");
  X509_NAME* subject = X509_get_subject_name(cert);
  AddName(subject, "O", "rehook tests");
  AddName(subject, "CN", common_name);
  Require(X509_set_issuer_name(cert, X509_get_subject_name(issuer ? issuer : cert)) == 1,
          "cannot set the issuer name");
  Require(X509_set_pubkey(cert, key) == 1, "cannot set the public key");
  for (const auto& [nid, value] : extensions) AddExtension(cert, issuer, nid, value);
  Require(X509_sign(cert, issuer_key, EVP_sha256()) > 0, "cannot sign " + common_name);
  return certificate;
}

CertificatePtr MakeCa(const std::string& common_name, EVP_PKEY* key) {
  return MakeCertificate(common_name, key, nullptr, key,
                         {{NID_basic_constraints, "critical,CA:TRUE"},
                          {NID_key_usage, "critical,keyCertSign,cRLSign"},
                          {NID_subject_key_identifier, "hash"}});
}

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string joined;
  for (const std::string& part : parts) {
    if (!joined.empty()) joined += separator;
    joined += part;
  }
  return joined;
}

CertificatePtr MakeServerCertificate(EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                                     const std::vector<std::string>& subject_alt_names) {
  Extensions extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                           {NID_key_usage, "critical,digitalSignature"},
                           {NID_ext_key_usage, "serverAuth"},
                           {NID_subject_key_identifier, "hash"},
                           {NID_authority_key_identifier, "keyid:always"}};
  // Host name checks look at the SANs only (the CN is a label here, never a host name).
  if (!subject_alt_names.empty()) {
    extensions.emplace_back(NID_subject_alt_name, Join(subject_alt_names, ","));
  }
  return MakeCertificate("rehook test server", key, issuer, issuer_key, extensions);
}

template <class Write>
std::string ToPem(Write write, const char* what) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  Require(bio && write(bio.get()) == 1, std::string("cannot write the PEM of ") + what);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  Require(size > 0 && data != nullptr, std::string("empty PEM for ") + what);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string CertificatePem(X509* certificate) {
  return ToPem([certificate](BIO* bio) { return PEM_write_bio_X509(bio, certificate); },
               "a certificate");
}

std::string PrivateKeyPem(EVP_PKEY* key) {
  return ToPem(
      [key](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
      },
      "a private key");
}

}  // namespace

TestCertificates TestCertificates::Make(const MakeOptions& options) {
  KeyPtr ca_key = MakeKey();
  CertificatePtr ca = MakeCa("rehook test CA", ca_key.get());

  // The other CA has a name of its own: under the trusted CA's name a verifier would try that
  // CA as the issuer and fail on the signature, which is not what meeting an unknown CA is like.
  KeyPtr untrusted_key;
  CertificatePtr untrusted;
  if (options.untrusted_issuer) {
    untrusted_key = MakeKey();
    untrusted = MakeCa("rehook untrusted test CA", untrusted_key.get());
  }
  X509* issuer = untrusted ? untrusted.get() : ca.get();
  EVP_PKEY* issuer_key = untrusted ? untrusted_key.get() : ca_key.get();

  KeyPtr server_key = MakeKey();
  CertificatePtr server =
      MakeServerCertificate(server_key.get(), issuer, issuer_key, options.subject_alt_names);

  TestCertificates result;
  result.ca_pem = CertificatePem(ca.get());
  result.cert_pem = CertificatePem(server.get());
  result.key_pem = PrivateKeyPem(server_key.get());
  return result;
}

void TestCertificates::WriteCaFile(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << ca_pem;
  out.close();
  if (!out) throw std::runtime_error("cannot write the CA file " + path);
}

}  // namespace rehook::testing
