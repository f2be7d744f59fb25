#pragma once
// Where webhooks come in: a source owns an ingest URL (/in/{id}) and its capture options.

#include <string>

#include "common/clock.h"

namespace rehook {

struct Source {
  std::string id;
  std::string org_id;
  std::string name;
  // Source options as a JSON object (signature verification, dedup, ...); "{}" when none.
  std::string config_json = "{}";
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

}  // namespace rehook
