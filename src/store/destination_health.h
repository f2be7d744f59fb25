#pragma once
// What a group-committed batch tells of its destinations' health, for auto-disable
// (Destination::failing_since): whether an attempt succeeded, and the first failure after the
// last success. The store applies it in the batch's own transaction, one conditional update per
// destination, which changes a row only when the destination starts or stops failing.

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/write_batch.h"

namespace rehook {

struct HealthChange {
  std::string destination_id;
  bool succeeded = false;               // an attempt of the batch succeeded
  std::optional<TimeMs> failing_since;  // the first failure after the batch's last success
};

// One per destination the batch has attempts for, in destination id order (so that batches of
// several nodes lock the rows in one order). Skipped attempts (a transformation sent nothing)
// and resends to a URL of no destination count for nothing.
std::vector<HealthChange> HealthChanges(const WriteBatch& batch);

}  // namespace rehook
