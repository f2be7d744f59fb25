#pragma once
// What a group-committed batch changes of its replay jobs' rows. A batch may hold many
// deliveries of one job (a replay lane hands over its recent progress together); each carries
// the job's counters as they stood after it, so only the last need be written: one update per
// job instead of one per delivery, with the same final row.

#include <vector>

#include "store/write_batch.h"

namespace rehook {

// One record per job of `progress` (attempts left out), in job id order (so that batches of
// several nodes lock the rows in one order), equal to applying them one after another:
// - counters from the job's last record, the cursor from its last that has one;
// - the status change that would end up applied: a later one replaces an earlier unless the
//   earlier ended the job (completed, cancelled), which the stores never change again.
std::vector<ReplayProgress> LastProgressPerJob(const std::vector<ReplayProgress>& progress);

}  // namespace rehook
