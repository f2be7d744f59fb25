#pragma once
// The whole server wired together: the only place that knows every part. Start() brings it up
// (store, threads, listener); Stop() takes it down gracefully (stop accepting, finish requests in
// flight, commit queued captures, close the store).

#include <cstdint>
#include <memory>
#include <string>

#include "http/tls_certificates.h"

#include "app/config.h"

namespace rehook {

class Application {
 public:
  explicit Application(Config config);
  ~Application();

  // Throws on any start-up failure (bad flags, store cannot open, port in use).
  void Start();
  void Stop();

  std::uint16_t port() const;

  // HTTPS: loads --tls-cert/--tls-key again (SIGHUP), or only when they changed (a periodic
  // look); logs what happened. Does nothing when serving plain HTTP.
  void ReloadTls(bool only_if_changed);

 private:
  struct Parts;
  Config config_;
  std::shared_ptr<TlsCertificates> tls_;  // null: plain HTTP
  std::unique_ptr<Parts> parts_;
};

}  // namespace rehook
