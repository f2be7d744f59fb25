#include "app/bootstrap.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "auth/secrets.h"
#include "common/ids.h"

namespace rehook {

std::optional<std::string> BootstrapFirstOrganization(TenancyStore& tenancy, const Clock& clock) {
  TimeMs now = clock.Now();
  Organization org{NewId("org", now), "default", 30, now};
  std::string secret = NewApiKeySecret();
  ApiKey key;
  key.id = NewId("key", now);
  key.org_id = org.id;
  key.name = "admin (created on first start)";
  key.role = Role::super_admin;
  key.key_hash = HashSecret(secret);
  key.key_prefix = SecretPrefix(secret);
  key.created_at = now;
  if (!tenancy.BootstrapFirstOrganization(org, key)) return std::nullopt;
  return secret;
}

void WriteAdminKeyFile(const std::string& path, const std::string& secret) {
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  }
  std::string content = secret + "\n";
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
  int saved_errno = errno;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path + ": " + std::strerror(saved_errno));
}

}  // namespace rehook
