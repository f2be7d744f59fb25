#include "delivery/hop_marker.h"

#include <algorithm>
#include <charconv>

#include "common/random.h"
#include "domain/header_fields.h"

namespace rehook {

const std::string& ThisRehookTag() {
  static const std::string tag = RandomHex(8);
  return tag;
}

int HopsOf(const std::vector<HeaderField>& captured) {
  auto value = FindHeader(captured, kHopsHeader);
  if (!value) return 0;
  const std::string_view text = TrimWhitespace(*value);
  int hops = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), hops);
  if (error != std::errc() || end != text.data() + text.size() || hops < 0) return 0;
  return hops;
}

void MarkHop(const std::vector<HeaderField>& captured, std::vector<HeaderField>& outbound) {
  const int hops = HopsOf(captured);
  // Capped: anything at kMaxHops is refused anyway, and a forged huge count must not overflow.
  outbound.push_back({std::string(kHopsHeader), std::to_string(std::min(hops, kMaxHops) + 1)});
  outbound.push_back({std::string(kViaHeader), ThisRehookTag()});
}

std::optional<std::string> LoopRefusal(const std::vector<HeaderField>& headers) {
  auto via = FindHeader(headers, kViaHeader);
  if (via && TrimWhitespace(*via) == ThisRehookTag()) {
    return "this request is a delivery this rehook sent: its destination leads back to an ingest "
           "URL, which would capture and deliver it again without end (a delivery loop)";
  }
  const int hops = HopsOf(headers);
  if (hops >= kMaxHops) {
    return "this request has been delivered by rehook " + std::to_string(hops) +
           " times already (" + std::string(kHopsHeader) + "): refused as a delivery loop";
  }
  return std::nullopt;
}

}  // namespace rehook
