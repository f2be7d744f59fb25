#pragma once
// Cryptographically secure random bytes (OpenSSL's CSPRNG).

#include <cstddef>
#include <cstdint>
#include <string>

namespace rehook {

// Fills `out` with `size` random bytes; throws std::runtime_error if the CSPRNG fails.
void FillRandom(std::uint8_t* out, std::size_t size);

// `size` random bytes encoded as lowercase hex (2 * size characters).
std::string RandomHex(std::size_t size);

}  // namespace rehook
