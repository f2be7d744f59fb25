#pragma once
// Deduplicated capture: providers retry, and some send the same webhook twice on their own; a
// source may name where a request's unique key is, and a request whose key an earlier event of
// the source already holds (within the window) is answered with that event's id and neither
// stored nor forwarded again.
//
// The configuration is the "dedup" object of a source's config, e.g.
//   {"header":"webhook-id"}                     the key is this header's value
//   {"json_path":"id","window_seconds":3600}    the key is this field of a JSON body
// A request without a key (header absent, body not JSON, path missing) is never a duplicate.

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/source_config_error.h"
#include "domain/event.h"

namespace rehook {

inline constexpr std::int64_t kDefaultDedupWindowSeconds = 24 * 60 * 60;
// Providers retry for up to three days (Stripe); a month covers every schedule we know of while
// keeping the key table bounded (retention drops older keys).
inline constexpr std::int64_t kMaxDedupWindowSeconds = 30LL * 24 * 60 * 60;

struct DedupRule {
  std::string header;     // the key is this header's value (first occurrence), or
  std::string json_path;  // the string or number at this dotted path of a JSON object body
  std::int64_t window_seconds = kDefaultDedupWindowSeconds;
};

// Reads and validates the JSON object found at `field`. Throws SourceConfigError.
DedupRule ParseDedupRule(const boost::json::value& json, std::string_view field = "dedup");
boost::json::object DedupRuleToJson(const DedupRule& rule);

// The request's dedup key, or nullopt when it has none.
std::optional<std::string> DedupKeyOf(const DedupRule& rule,
                                      const std::vector<HeaderField>& headers,
                                      std::string_view body);

}  // namespace rehook
