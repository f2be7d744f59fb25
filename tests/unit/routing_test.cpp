#include "delivery/routing.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

Connection MakeConnection(std::string id, std::string filter, bool enabled = true) {
  Connection connection;
  connection.id = std::move(id);
  connection.source_id = "src_1";
  connection.destination_id = "dst_" + connection.id;
  connection.filter_json = std::move(filter);
  connection.enabled = enabled;
  return connection;
}

Event MakeEvent(std::string body, std::vector<HeaderField> headers = {}) {
  Event event;
  event.id = "evt_1";
  event.org_id = "org_1";
  event.source_id = "src_1";
  event.method = "POST";
  event.path = "/";
  event.headers = std::move(headers);
  event.body = std::move(body);
  return event;
}

TEST(RoutingTest, EveryEnabledMatchingConnectionGetsATask) {
  auto routes = CompileRoutes(
      {
          MakeConnection("a", ""), MakeConnection("b", R"({"body":{"amount":{"$gte":100}}})"),
          MakeConnection("c", R"({"headers":{"X-GitHub-Event":"push"}})"),
          MakeConnection("d", "", /*enabled=*/false),
          MakeConnection("e", ""),  // to a disabled destination
      },
      {"dst_e"});
  ASSERT_EQ(routes->routes.size(), 3u);

  auto tasks = PlanDeliveries(MakeEvent(R"({"amount":150})", {{"x-github-event", "issues"}}),
                              *routes, 5000, TaskOwner{"node-1", 60000});
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].connection_id, "a");
  EXPECT_EQ(tasks[1].connection_id, "b");
  for (const auto& task : tasks) {
    EXPECT_EQ(task.event_id, "evt_1");
    EXPECT_EQ(task.org_id, "org_1");
    EXPECT_EQ(task.destination_id, "dst_" + task.connection_id);
    EXPECT_EQ(task.attempts, 0);
    EXPECT_EQ(task.next_attempt_at, 5000);
    EXPECT_EQ(task.lease_owner, "node-1");
    EXPECT_EQ(task.lease_until, 65000);
    EXPECT_EQ(task.id.rfind("tsk_", 0), 0u);
  }

  auto push = PlanDeliveries(MakeEvent("not json", {{"X-GITHUB-EVENT", "push"}}), *routes, 5000,
                             TaskOwner{"node-1", 60000});
  ASSERT_EQ(push.size(), 2u);
  EXPECT_EQ(push[1].connection_id, "c");
}

TEST(RoutingTest, AStoredFilterThatNoLongerCompilesRoutesNothing) {
  auto routes = CompileRoutes({MakeConnection("a", R"({"body":{"x":{"$bogus":1}}})")}, {});
  EXPECT_TRUE(routes->routes.empty());
}

}  // namespace
}  // namespace rehook
