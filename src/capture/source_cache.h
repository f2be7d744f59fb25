#pragma once
// Sources by id for the capture path, cached for a short time so a flood of webhooks does not
// become a flood of source lookups. Unknown ids are cached too (as nullopt), so random ingest
// URLs cannot hammer the store.

#include <optional>

#include "common/ttl_cache.h"
#include "store/model.h"

namespace rehook {

using SourceCache = TtlCache<std::optional<Source>>;

}  // namespace rehook
