#include "domain/delivery.h"

namespace rehook {

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
