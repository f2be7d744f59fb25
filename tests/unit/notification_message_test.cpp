// What a notification channel receives: rehook's JSON, and Slack's text with a dashboard link,
// names escaped as Slack asks.
#include "notify/notification_message.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

Notification CircuitOpened() {
  Notification notification;
  notification.kind = NotificationKind::circuit_opened;
  notification.org_id = "org_1";
  notification.occurred_at = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  notification.data = {{"destination_id", "dst_1"}, {"name", "billing <prod> & co"}};
  notification.summary = "Destination billing <prod> & co stopped answering: circuit opened";
  notification.dashboard_path = "#/destinations/dst_1";
  return notification;
}

TEST(NotificationMessageTest, JsonCarriesTypeTimeAndData) {
  EXPECT_EQ(NotificationJson(CircuitOpened()),
            R"({"type":"destination.circuit_opened","occurred_at":"2026-01-01T00:00:00.000Z",)"
            R"("data":{"destination_id":"dst_1","name":"billing <prod> & co"}})");
}

TEST(NotificationMessageTest, SlackTextEscapesNamesAndLinksToTheDashboard) {
  EXPECT_EQ(NotificationSlackJson(CircuitOpened(), "https://rehook.example.com/"),
            R"({"text":"Destination billing &lt;prod&gt; &amp; co stopped answering: circuit )"
            R"(opened <https://rehook.example.com/#/destinations/dst_1|Open in rehook>"})");
  // Without a public URL there is nothing to link to.
  EXPECT_EQ(NotificationSlackJson(CircuitOpened(), ""),
            R"({"text":"Destination billing &lt;prod&gt; &amp; co stopped answering: circuit )"
            R"(opened"})");
}

}  // namespace
}  // namespace rehook
