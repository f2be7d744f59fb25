#pragma once
// Throwaway TLS certificates for tests, generated at run time with OpenSSL: a CA and a server
// certificate it signed, all EC P-256, valid from an hour ago for a day. Nothing is checked in,
// so nothing expires in the repository, and each test can have its own CA.
//
//   TestCertificates certs = TestCertificates::Make();
//   certs.WriteCaFile(dir.path() + "/ca.pem");   // what a client trusts (--ca-file)
//   SinkServer sink({.tls = true, .certificates = certs});
//
// Variants for failure tests: a server certificate issued by a CA other than ca_pem (the client
// reports "certificate verify failed"), or one naming other hosts (a name mismatch).

#include <string>
#include <vector>

namespace rehook::testing {

// At namespace scope rather than nested, so that `= {}` default arguments can use its member
// initializers.
struct TestCertificateOptions {
  // What the server certificate is issued for, in OpenSSL's subjectAltName syntax.
  std::vector<std::string> subject_alt_names = {"DNS:localhost", "IP:127.0.0.1"};
  // Signs the server certificate with a second CA that is not in ca_pem: a client that trusts
  // ca_pem (and the system's CAs) cannot build a chain.
  bool untrusted_issuer = false;
};

struct TestCertificates {
  using MakeOptions = TestCertificateOptions;

  std::string ca_pem;    // the CA a client should trust
  std::string cert_pem;  // the server certificate alone (the CA is a trust anchor, not sent)
  std::string key_pem;   // the server certificate's private key, PKCS#8, unencrypted

  // Throws std::runtime_error with OpenSSL's reason when generation fails.
  static TestCertificates Make(const MakeOptions& options = {});

  // Writes ca_pem to `path` (for OutboundClientOptions::ca_file); throws when it cannot.
  void WriteCaFile(const std::string& path) const;
};

}  // namespace rehook::testing
