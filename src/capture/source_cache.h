#pragma once
// Sources by id for the capture path, with their capture rules already parsed, cached for a short
// time so a flood of webhooks does not become a flood of source lookups. Unknown ids are cached
// too (as a null pointer), so random ingest URLs cannot hammer the store. Entries are shared and
// immutable: a capture reads its source without copying it.

#include <memory>

#include "capture/capture_rules.h"
#include "common/ttl_cache.h"
#include "domain/source.h"

namespace rehook {

struct CaptureSource {
  Source source;
  CaptureRules rules;
};

using SourceCache = TtlCache<std::shared_ptr<const CaptureSource>>;

}  // namespace rehook
