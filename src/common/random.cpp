#include "common/random.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "common/encoding.h"

namespace rehook {

void FillRandom(std::uint8_t* out, std::size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    throw std::runtime_error("the system random number generator failed");
  }
}

std::string RandomHex(std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  FillRandom(bytes.data(), size);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), size));
}

}  // namespace rehook
