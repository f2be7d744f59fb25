#pragma once
// The certificate HTTPS is served with (--tls-cert, --tls-key), changed without a restart: a
// certificate renewed by certbot (or swapped by hand) is loaded again on SIGHUP or when either
// file changes, and new connections get it; connections already open keep the one they began
// with. A pair that does not load (a key that does not match, a file half written) leaves the
// old certificate serving and says why.

#include <sys/types.h>

#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace rehook {

class TlsCertificates {
 public:
  // Loads the PEM certificate chain (the server's certificate first, then intermediates) and
  // its private key. Throws std::runtime_error naming the file and OpenSSL's reason.
  TlsCertificates(std::string cert_path, std::string key_path);
  ~TlsCertificates();

  // The TLS 1.2+ server context for a new connection.
  std::shared_ptr<boost::asio::ssl::context> Current() const;

  struct Reload {
    bool loaded = false;
    std::string error;  // why the files were not taken (the old certificate serves on)
  };
  // Loads the files again, whether they changed or not (SIGHUP).
  Reload LoadAgain();
  // Loads them again when either changed since the last attempt (modification time, size or
  // inode: a certbot renewal replaces the symlinks' targets); nullopt when neither did. A pair
  // that failed is tried again only when a file changes again, so a half-written renewal is
  // picked up once it is complete, without an error every poll meanwhile.
  std::optional<Reload> LoadIfChanged();

  const std::string& cert_path() const { return cert_path_; }

 private:
  struct Stamp {
    std::time_t modified = 0;
    long modified_ns = 0;
    off_t size = 0;
    ino_t inode = 0;
    bool operator==(const Stamp&) const = default;
  };
  static Stamp StampOf(const std::string& path);

  const std::string cert_path_;
  const std::string key_path_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> current_;
  Stamp cert_stamp_;
  Stamp key_stamp_;
};

}  // namespace rehook
