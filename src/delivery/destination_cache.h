#pragma once
// Destinations by id, shared by the forwarder, the replay runner and the API (which invalidates
// an entry when a destination changes).

#include <optional>

#include "common/ttl_cache.h"
#include "domain/destination.h"

namespace rehook {

using DestinationCache = TtlCache<std::optional<Destination>>;

}  // namespace rehook
