#include "store/model.h"

namespace rehook {

std::string_view ReplayStatusName(ReplayStatus status) {
  switch (status) {
    case ReplayStatus::running:
      return "running";
    case ReplayStatus::paused:
      return "paused";
    case ReplayStatus::completed:
      return "completed";
    case ReplayStatus::cancelled:
      return "cancelled";
  }
  return "running";
}

std::optional<ReplayStatus> ParseReplayStatus(std::string_view name) {
  for (auto status : kReplayStatuses) {
    if (ReplayStatusName(status) == name) return status;
  }
  return std::nullopt;
}

}  // namespace rehook
