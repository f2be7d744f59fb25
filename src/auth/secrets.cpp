#include "auth/secrets.h"

#include "common/encoding.h"
#include "common/random.h"

namespace rehook {

std::string NewApiKeySecret() { return "rhk_" + RandomHex(24); }

std::string NewSessionToken() { return RandomHex(32); }

std::string HashSecret(std::string_view secret) { return Sha256(secret); }

std::string SecretPrefix(std::string_view secret) { return std::string(secret.substr(0, 12)); }

}  // namespace rehook
