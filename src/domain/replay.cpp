#include "domain/replay.h"

#include "common/enum_names.h"

namespace rehook {
namespace {

constexpr EnumNames<ReplayStatus, kReplayStatuses.size()> kStatusNames{{
    {ReplayStatus::running, "running"},
    {ReplayStatus::paused, "paused"},
    {ReplayStatus::completed, "completed"},
    {ReplayStatus::cancelled, "cancelled"},
}};

constexpr EnumNames<ReplayIdMode, 2> kIdModeNames{{
    {ReplayIdMode::fresh, "new"},
    {ReplayIdMode::original, "original"},
}};

constexpr EnumNames<ReplayOnly, 3> kOnlyNames{{
    {ReplayOnly::all, "all"},
    {ReplayOnly::failed, "failed"},
    {ReplayOnly::undelivered, "undelivered"},
}};

}  // namespace

std::string_view ReplayStatusName(ReplayStatus status) { return NameOf(kStatusNames, status); }

std::optional<ReplayStatus> ParseReplayStatus(std::string_view name) {
  return ValueOf(kStatusNames, name);
}

std::string_view ReplayIdModeName(ReplayIdMode mode) { return NameOf(kIdModeNames, mode); }

std::optional<ReplayIdMode> ParseReplayIdMode(std::string_view name) {
  return ValueOf(kIdModeNames, name);
}

std::string_view ReplayOnlyName(ReplayOnly only) { return NameOf(kOnlyNames, only); }

std::optional<ReplayOnly> ParseReplayOnly(std::string_view name) {
  return ValueOf(kOnlyNames, name);
}

bool ReplayOnlySelects(ReplayOnly only, const std::optional<DeliveryStanding>& standing) {
  switch (only) {
    case ReplayOnly::all:
      return true;
    case ReplayOnly::failed:
      return standing && !standing->last_succeeded;
    case ReplayOnly::undelivered:
      return !standing || !standing->ever_succeeded;
  }
  return true;
}

}  // namespace rehook
