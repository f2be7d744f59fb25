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

}  // namespace

std::string_view ReplayStatusName(ReplayStatus status) { return NameOf(kStatusNames, status); }

std::optional<ReplayStatus> ParseReplayStatus(std::string_view name) {
  return ValueOf(kStatusNames, name);
}

std::string_view ReplayIdModeName(ReplayIdMode mode) { return NameOf(kIdModeNames, mode); }

std::optional<ReplayIdMode> ParseReplayIdMode(std::string_view name) {
  return ValueOf(kIdModeNames, name);
}

}  // namespace rehook
