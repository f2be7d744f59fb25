#include "http/tls_certificates.h"

#include <sys/stat.h>

#include <boost/asio/ssl/context.hpp>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rehook {
namespace {

namespace ssl = boost::asio::ssl;

std::string ReadWhole(const std::string& path, const char* what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read the TLS " + std::string(what) + " " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string OpenSslReason(const boost::system::error_code& error) {
  std::string reason = error.message();
  const unsigned long queued = ERR_get_error();
  if (queued != 0) {
    char text[256];
    ERR_error_string_n(queued, text, sizeof text);
    reason = text;
  }
  ERR_clear_error();
  return reason;
}

// Whether `pem` holds an unencrypted private key (an encrypted one would need a passphrase
// rehook has no way to ask for: the callback refuses, instead of OpenSSL prompting on a tty).
bool IsPrivateKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return false;
  auto no_passphrase = [](char*, int, int, void*) { return 0; };
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr);
  BIO_free(bio);
  ERR_clear_error();
  if (key == nullptr) return false;
  EVP_PKEY_free(key);
  return true;
}

// A server context from the two files: TLS 1.2 and newer, OpenSSL's default ciphers for them.
std::shared_ptr<ssl::context> Load(const std::string& cert_path, const std::string& key_path) {
  const std::string chain = ReadWhole(cert_path, "certificate");
  const std::string key = ReadWhole(key_path, "key");
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code error;
  context->use_certificate_chain(boost::asio::buffer(chain), error);
  if (error) {
    throw std::runtime_error("the TLS certificate " + cert_path +
                             " is not a PEM certificate chain (" + OpenSslReason(error) + ")");
  }
  if (!IsPrivateKey(key)) {
    throw std::runtime_error("the TLS key " + key_path + " is not an unencrypted PEM private key");
  }
  context->use_private_key(boost::asio::buffer(key), ssl::context::pem, error);
  // A key OpenSSL can read but refuses here is another certificate's.
  if (error || SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("the TLS key " + key_path + " does not belong to the certificate " +
                             cert_path);
  }
  return context;
}

}  // namespace

TlsCertificates::TlsCertificates(std::string cert_path, std::string key_path)
    : cert_path_(std::move(cert_path)), key_path_(std::move(key_path)) {
  cert_stamp_ = StampOf(cert_path_);
  key_stamp_ = StampOf(key_path_);
  current_ = Load(cert_path_, key_path_);
}

TlsCertificates::~TlsCertificates() = default;

std::shared_ptr<ssl::context> TlsCertificates::Current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

TlsCertificates::Reload TlsCertificates::LoadAgain() {
  const Stamp cert_stamp = StampOf(cert_path_);
  const Stamp key_stamp = StampOf(key_path_);
  Reload outcome;
  std::shared_ptr<ssl::context> loaded;
  try {
    loaded = Load(cert_path_, key_path_);
    outcome.loaded = true;
  } catch (const std::exception& e) {
    outcome.error = e.what();
  }
  std::lock_guard lock(mutex_);
  cert_stamp_ = cert_stamp;
  key_stamp_ = key_stamp;
  if (loaded) current_ = std::move(loaded);
  return outcome;
}

std::optional<TlsCertificates::Reload> TlsCertificates::LoadIfChanged() {
  {
    std::lock_guard lock(mutex_);
    if (StampOf(cert_path_) == cert_stamp_ && StampOf(key_path_) == key_stamp_) {
      return std::nullopt;
    }
  }
  return LoadAgain();
}

TlsCertificates::Stamp TlsCertificates::StampOf(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};  // gone for now: a change, once it is back
  return {info.st_mtim.tv_sec, info.st_mtim.tv_nsec, info.st_size, info.st_ino};
}

}  // namespace rehook
