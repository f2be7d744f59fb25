#pragma once
// What rehook tells a notification channel (API.md, "Insight"), and the two shapes it is sent
// in: rehook's own JSON ({"type","occurred_at","data"}, Standard Webhooks signed when the
// channel has a secret) and Slack's incoming-webhook {"text"}, with a link to the dashboard page
// of what changed.

#include <boost/json/object.hpp>

#include <string>

#include "common/clock.h"
#include "domain/notification.h"

namespace rehook {

struct Notification {
  NotificationKind kind = NotificationKind::circuit_opened;
  std::string org_id;
  TimeMs occurred_at = 0;
  boost::json::object data;    // e.g. {"destination_id","name","url","failures"}
  std::string summary;         // one sentence for people: "Destination billing stopped answering"
  std::string dashboard_path;  // "#/destinations/dst_..." (after the public URL)
};

// {"type","occurred_at","data"}.
std::string NotificationJson(const Notification& notification);
// {"text"}: the summary and, when `public_url` is set, a link to the dashboard page.
std::string NotificationSlackJson(const Notification& notification, const std::string& public_url);

}  // namespace rehook
