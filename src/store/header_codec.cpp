#include "store/header_codec.h"

#include <cstdint>

namespace rehook {
namespace {

void AppendLength(std::string& out, size_t length) {
  auto value = static_cast<std::uint32_t>(length);
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<char>(value & 0xff));
    value >>= 8;
  }
}

bool ReadChunk(std::string_view bytes, size_t& pos, std::string& out) {
  if (bytes.size() - pos < 4) return false;
  std::uint32_t length = 0;
  for (int i = 3; i >= 0; --i) {
    length = (length << 8) | static_cast<unsigned char>(bytes[pos + static_cast<size_t>(i)]);
  }
  pos += 4;
  if (bytes.size() - pos < length) return false;
  out.assign(bytes.substr(pos, length));
  pos += length;
  return true;
}

}  // namespace

std::string EncodeHeaders(const std::vector<HeaderField>& headers) {
  std::string out;
  size_t total = 0;
  for (const auto& field : headers) total += 8 + field.name.size() + field.value.size();
  out.reserve(total);
  for (const auto& field : headers) {
    AppendLength(out, field.name.size());
    out += field.name;
    AppendLength(out, field.value.size());
    out += field.value;
  }
  return out;
}

std::optional<std::vector<HeaderField>> DecodeHeaders(std::string_view bytes) {
  std::vector<HeaderField> headers;
  size_t pos = 0;
  while (pos < bytes.size()) {
    HeaderField field;
    if (!ReadChunk(bytes, pos, field.name) || !ReadChunk(bytes, pos, field.value)) {
      return std::nullopt;
    }
    headers.push_back(std::move(field));
  }
  return headers;
}

}  // namespace rehook
