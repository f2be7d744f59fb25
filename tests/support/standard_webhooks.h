#pragma once
// Checks Standard Webhooks signatures the way a receiver would, independently of rehook's own
// signer: HMAC-SHA256 over "id.timestamp.body", base64, with the secret's decoded key.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>
#include <string_view>

#include "common/encoding.h"

namespace rehook::testing {

inline std::string HmacSha256Base64(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace rehook::testing
