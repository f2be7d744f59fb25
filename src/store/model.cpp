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

std::string_view ReplayIdModeName(ReplayIdMode mode) {
  return mode == ReplayIdMode::original ? "original" : "new";
}

std::optional<ReplayIdMode> ParseReplayIdMode(std::string_view name) {
  if (name == "new") return ReplayIdMode::fresh;
  if (name == "original") return ReplayIdMode::original;
  return std::nullopt;
}

std::string_view ReplayOutcomeName(ReplayOutcome outcome) {
  switch (outcome) {
    case ReplayOutcome::first:
      return "first";
    case ReplayOutcome::same:
      return "same";
    case ReplayOutcome::fixed:
      return "fixed";
    case ReplayOutcome::regressed:
      return "regressed";
  }
  return "first";
}

std::optional<ReplayOutcome> ParseReplayOutcome(std::string_view name) {
  for (auto outcome : {ReplayOutcome::first, ReplayOutcome::same, ReplayOutcome::fixed,
                       ReplayOutcome::regressed}) {
    if (ReplayOutcomeName(outcome) == name) return outcome;
  }
  return std::nullopt;
}

ReplayOutcome CompareWithEarlier(std::optional<bool> earlier, bool success) {
  if (!earlier) return ReplayOutcome::first;
  if (*earlier == success) return ReplayOutcome::same;
  return success ? ReplayOutcome::fixed : ReplayOutcome::regressed;
}

}  // namespace rehook
