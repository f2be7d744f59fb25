#include "delivery/outbound_headers.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "domain/header_fields.h"

namespace rehook {
namespace {

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

// Names listed in Connection headers are hop-by-hop for this message (RFC 9110 §7.6.1).
std::vector<std::string> NamesListedInConnection(const std::vector<HeaderField>& headers) {
  std::vector<std::string> names;
  for (const auto& field : headers) {
    if (!EqualsIgnoreCase(field.name, "connection")) continue;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view token = TrimWhitespace(rest.substr(0, comma));
      if (!token.empty()) names.emplace_back(token);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return names;
}

}  // namespace

bool IsProxyOrHopHeader(std::string_view name) {
  static constexpr std::string_view kExact[] = {"host",
                                                "connection",
                                                "keep-alive",
                                                "te",
                                                "trailer",
                                                "transfer-encoding",
                                                "upgrade",
                                                "content-length",
                                                "expect",
                                                "forwarded",
                                                "via",
                                                "x-real-ip",
                                                "true-client-ip",
                                                "x-client-ip",
                                                "x-cluster-client-ip",
                                                "x-amzn-trace-id",
                                                "proxy-connection"};
  static constexpr std::string_view kPrefixes[] = {"x-forwarded-", "proxy-",   "cf-",
                                                   "fastly-",      "x-envoy-", "x-rehook-"};
  for (auto exact : kExact) {
    if (EqualsIgnoreCase(name, exact)) return true;
  }
  for (auto prefix : kPrefixes) {
    if (StartsWithIgnoreCase(name, prefix)) return true;
  }
  return false;
}

std::vector<HeaderField> ForwardableHeaders(const std::vector<HeaderField>& captured) {
  std::vector<std::string> listed = NamesListedInConnection(captured);
  std::vector<HeaderField> kept;
  kept.reserve(captured.size());
  for (const auto& field : captured) {
    if (IsProxyOrHopHeader(field.name)) continue;
    bool in_connection = std::any_of(listed.begin(), listed.end(), [&](const std::string& name) {
      return EqualsIgnoreCase(name, field.name);
    });
    if (!in_connection) kept.push_back(field);
  }
  return kept;
}

void RemoveHeader(std::vector<HeaderField>& headers, std::string_view name) {
  std::erase_if(headers,
                [&](const HeaderField& field) { return EqualsIgnoreCase(field.name, name); });
}

}  // namespace rehook
