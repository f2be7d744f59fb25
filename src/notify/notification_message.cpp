#include "notify/notification_message.h"

#include <boost/json/serialize.hpp>

#include "common/iso8601.h"

namespace rehook {

std::string NotificationJson(const Notification& notification) {
  boost::json::object body{{"type", NotificationKindName(notification.kind)},
                           {"occurred_at", FormatIso8601(notification.occurred_at)},
                           {"data", notification.data}};
  return boost::json::serialize(body);
}

namespace {

// Slack reads &, < and > in text as markup: names users chose are escaped as Slack asks.
std::string SlackEscaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string NotificationSlackJson(const Notification& notification, const std::string& public_url) {
  std::string text = SlackEscaped(notification.summary);
  if (!public_url.empty() && !notification.dashboard_path.empty()) {
    // Slack's link syntax: <url|label>. The URL is rehook's own, so it holds no '|' or '>'.
    std::string base = public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    text += " <" + base + "/" + notification.dashboard_path + "|Open in rehook>";
  }
  return boost::json::serialize(boost::json::object{{"text", text}});
}

}  // namespace rehook
