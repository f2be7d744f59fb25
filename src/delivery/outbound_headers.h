#pragma once
// Which of a captured request's headers travel on when it is delivered or replayed.
//
// Everything the provider sent is kept, in order, except what belongs to the hop into rehook
// rather than to the webhook: hop-by-hop headers (Connection and the names it lists,
// Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-*), Host, Content-Length and
// Expect (the client sets its own), and what proxies and CDNs add about the client
// (X-Forwarded-*, Forwarded, Via, X-Real-IP, True-Client-IP, X-Client-IP, CF-*, Fastly-*,
// X-Amzn-Trace-Id, X-Envoy-*). rehook's own X-Rehook-* headers are dropped too, so a webhook
// that passed through rehook twice carries only the latest.

#include <string_view>
#include <vector>

#include "domain/event.h"

namespace rehook {

std::vector<HeaderField> ForwardableHeaders(const std::vector<HeaderField>& captured);

// Removes every header named `name` (case-insensitive), e.g. to replace a signature.
void RemoveHeader(std::vector<HeaderField>& headers, std::string_view name);

// True for a name the forwarding rules above drop (case-insensitive).
bool IsProxyOrHopHeader(std::string_view name);

}  // namespace rehook
