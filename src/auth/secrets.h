#pragma once
// API key and session token material. Secrets are shown once and only their SHA-256 is stored;
// they carry 192 bits of randomness, so a plain (unsalted) hash is enough to make a leaked
// database useless for signing in.

#include <string>
#include <string_view>

namespace rehook {

// "rhk_" followed by 48 hex characters.
std::string NewApiKeySecret();
// 64 hex characters.
std::string NewSessionToken();

// The stored form of a key or token: raw SHA-256 bytes.
std::string HashSecret(std::string_view secret);

// What lists show to recognise a key: "rhk_1a2b3c4d".
std::string SecretPrefix(std::string_view secret);

}  // namespace rehook
