#include "domain/notification.h"

#include <algorithm>

#include "common/enum_names.h"

namespace rehook {
namespace {

constexpr EnumNames<NotificationKind, 6> kKindNames{{
    {NotificationKind::circuit_opened, "destination.circuit_opened"},
    {NotificationKind::circuit_closed, "destination.circuit_closed"},
    {NotificationKind::destination_disabled, "destination.disabled"},
    {NotificationKind::replay_completed, "replay.completed"},
    {NotificationKind::replay_paused, "replay.paused"},
    {NotificationKind::delivery_exhausted, "delivery.exhausted"},
}};

constexpr EnumNames<NotificationFormat, 2> kFormatNames{{
    {NotificationFormat::json, "json"},
    {NotificationFormat::slack, "slack"},
}};

}  // namespace

std::string_view NotificationKindName(NotificationKind kind) { return NameOf(kKindNames, kind); }

std::optional<NotificationKind> ParseNotificationKind(std::string_view name) {
  return ValueOf(kKindNames, name);
}

const std::vector<NotificationKind>& AllNotificationKinds() {
  static const std::vector<NotificationKind> kinds = [] {
    std::vector<NotificationKind> all;
    for (const auto& entry : kKindNames) all.push_back(entry.value);
    return all;
  }();
  return kinds;
}

std::string_view NotificationFormatName(NotificationFormat format) {
  return NameOf(kFormatNames, format);
}

std::optional<NotificationFormat> ParseNotificationFormat(std::string_view name) {
  return ValueOf(kFormatNames, name);
}

bool NotificationChannel::Wants(NotificationKind kind) const {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace rehook
