#pragma once
// Notifications (API.md, "Insight"): where rehook tells a team that something changed — a
// destination's circuit opened or closed, a destination was disabled, a replay job completed or
// paused, a delivery used up its retries. A channel is a URL (a team's own endpoint, or a Slack
// incoming webhook) and the kinds it wants; rehook POSTs to it once per change.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace rehook {

enum class NotificationKind {
  circuit_opened,
  circuit_closed,
  destination_disabled,
  replay_completed,
  replay_paused,
  delivery_exhausted,
};

// "destination.circuit_opened", ...
std::string_view NotificationKindName(NotificationKind kind);
std::optional<NotificationKind> ParseNotificationKind(std::string_view name);
// Every kind, in the order of the enum.
const std::vector<NotificationKind>& AllNotificationKinds();

enum class NotificationFormat {
  json,   // {"type","occurred_at","data"}, Standard Webhooks signed when the channel has a secret
  slack,  // {"text"}: Slack's (and Mattermost's, Teams' workflows') incoming-webhook shape
};

std::string_view NotificationFormatName(NotificationFormat format);
std::optional<NotificationFormat> ParseNotificationFormat(std::string_view name);

struct NotificationChannel {
  std::string id;  // "ntf_..."
  std::string org_id;
  std::string url;
  std::vector<NotificationKind> kinds;
  NotificationFormat format = NotificationFormat::json;
  std::string secret;  // "" when unsigned
  TimeMs created_at = 0;

  bool Wants(NotificationKind kind) const;
};

}  // namespace rehook
