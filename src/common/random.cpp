#include "common/random.h"

#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "common/encoding.h"

namespace rehook {
namespace {

// Each thread draws from the CSPRNG in 4 KB blocks: RAND_bytes per id would cost a lock and a
// getpid() system call (OpenSSL's fork check) on every captured event. rehook never forks
// after start-up, so a buffer is never shared with a child process.
class RandomBuffer {
 public:
  void Fill(std::uint8_t* out, std::size_t size) {
    while (size > 0) {
      if (used_ == sizeof(block_)) Refill();
      std::size_t take = std::min(size, sizeof(block_) - used_);
      std::memcpy(out, block_ + used_, take);
      std::memset(block_ + used_, 0, take);  // handed out bytes do not linger in memory
      used_ += take;
      out += take;
      size -= take;
    }
  }

 private:
  void Refill() {
    if (RAND_bytes(block_, static_cast<int>(sizeof(block_))) != 1) {
      throw std::runtime_error("the system random number generator failed");
    }
    used_ = 0;
  }

  std::uint8_t block_[4096];
  std::size_t used_ = sizeof(block_);
};

}  // namespace

void FillRandom(std::uint8_t* out, std::size_t size) {
  thread_local RandomBuffer buffer;
  buffer.Fill(out, size);
}

std::string RandomHex(std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  FillRandom(bytes.data(), size);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), size));
}

}  // namespace rehook
