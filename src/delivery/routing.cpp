#include "delivery/routing.h"

#include <boost/json/parse.hpp>

#include "common/ids.h"
#include "common/log.h"

namespace rehook {

std::shared_ptr<const SourceRoutes> CompileRoutes(
    const std::vector<Connection>& connections,
    const std::unordered_set<std::string>& disabled_destinations) {
  auto compiled = std::make_shared<SourceRoutes>();
  for (const Connection& connection : connections) {
    if (!connection.enabled || disabled_destinations.contains(connection.destination_id)) continue;
    Route route{connection.id, connection.destination_id, std::nullopt};
    if (!connection.filter_json.empty()) {
      try {
        route.filter = Filter::Parse(boost::json::parse(connection.filter_json));
      } catch (const std::exception& e) {
        log::Error("routing.bad_filter", {{"connection_id", connection.id}, {"error", e.what()}});
        continue;
      }
    }
    compiled->routes.push_back(std::move(route));
  }
  return compiled;
}

std::vector<DeliveryTask> PlanDeliveries(const Event& event, const SourceRoutes& routes, TimeMs now,
                                         const TaskOwner& owner) {
  std::vector<DeliveryTask> tasks;
  if (routes.routes.empty()) return tasks;
  std::optional<boost::json::value> input;  // built once, only if some route has a filter
  for (const Route& route : routes.routes) {
    if (route.filter) {
      if (!input) input = boost::json::value(FilterInput(event));
      if (!route.filter->Matches(*input)) continue;
    }
    DeliveryTask task;
    task.id = NewId("tsk", now);
    task.org_id = event.org_id;
    task.event_id = event.id;
    task.destination_id = route.destination_id;
    task.connection_id = route.connection_id;
    task.next_attempt_at = now;
    task.lease_owner = owner.node_id;
    task.lease_until = now + owner.lease_ms;
    task.created_at = now;
    tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace rehook
