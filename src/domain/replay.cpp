#include "domain/replay.h"

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

std::string_view ReplayIdModeName(ReplayIdMode mode) {
  return mode == ReplayIdMode::original ? "original" : "new";
}

std::optional<ReplayIdMode> ParseReplayIdMode(std::string_view name) {
  if (name == "new") return ReplayIdMode::fresh;
  if (name == "original") return ReplayIdMode::original;
  return std::nullopt;
}

}  // namespace rehook
