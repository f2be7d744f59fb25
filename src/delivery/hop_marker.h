#pragma once
// Delivery loops. A destination whose URL leads back to a rehook ingest URL (its own, through a
// public URL, an allow-listed address or a name resolving there) connected to the same source
// would capture every delivery again, and deliver it again: one webhook becomes thousands of
// events until the disk is full for every tenant.
//
// Every request rehook sends (forwarding, retries, replay jobs, single replays) carries
//   X-Rehook-Hops: <n>     how many rehook deliveries it has been through (the captured count + 1)
//   X-Rehook-Via: <tag>    the sending process's random tag
// and capture refuses a request that this very process sent (its own tag: a loop at the first
// turn) or that has been through kMaxHops deliveries already (a loop through other nodes or
// other installations). Both headers are x-rehook-*: never forwarded as captured, only set
// anew. Creating a destination that points at rehook's own ingest URL is refused before that
// (api/target_checks).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.h"

namespace rehook {

inline constexpr std::string_view kHopsHeader = "X-Rehook-Hops";
inline constexpr std::string_view kViaHeader = "X-Rehook-Via";
// Chains of gateways are legitimate (a provider's relay, then rehook, then another rehook); a
// request that has been delivered this many times already is taken for a loop.
inline constexpr int kMaxHops = 3;

// This process's tag: random, made once.
const std::string& ThisRehookTag();

// The hop count a captured request carries (0 when absent or unreadable).
int HopsOf(const std::vector<HeaderField>& captured);

// Adds the two headers to a request rehook sends for a captured request with `captured` headers.
void MarkHop(const std::vector<HeaderField>& captured, std::vector<HeaderField>& outbound);

// Why a request about to be captured must be refused as a loop, or nothing.
std::optional<std::string> LoopRefusal(const std::vector<HeaderField>& headers);

}  // namespace rehook
