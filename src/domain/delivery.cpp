#include "domain/delivery.h"

#include "common/enum_names.h"

namespace rehook {

namespace {

constexpr EnumNames<ReplayOutcome, 4> kOutcomeNames{{
    {ReplayOutcome::first, "first"},
    {ReplayOutcome::same, "same"},
    {ReplayOutcome::fixed, "fixed"},
    {ReplayOutcome::regressed, "regressed"},
}};

constexpr EnumNames<AttemptTrigger, 4> kTriggerNames{{
    {AttemptTrigger::forward, "forward"},
    {AttemptTrigger::retry, "retry"},
    {AttemptTrigger::replay, "replay"},
    {AttemptTrigger::manual, "manual"},
}};

}  // namespace

std::string_view AttemptTriggerName(AttemptTrigger trigger) {
  return NameOf(kTriggerNames, trigger);
}

std::optional<AttemptTrigger> ParseAttemptTrigger(std::string_view name) {
  return ValueOf(kTriggerNames, name);
}

std::string_view ReplayOutcomeName(ReplayOutcome outcome) { return NameOf(kOutcomeNames, outcome); }

std::optional<ReplayOutcome> ParseReplayOutcome(std::string_view name) {
  return ValueOf(kOutcomeNames, name);
}

ReplayOutcome CompareWithEarlier(std::optional<bool> earlier, bool success) {
  if (!earlier) return ReplayOutcome::first;
  if (*earlier == success) return ReplayOutcome::same;
  return success ? ReplayOutcome::fixed : ReplayOutcome::regressed;
}

}  // namespace rehook
