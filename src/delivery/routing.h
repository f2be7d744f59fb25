#pragma once
// Capture-time routing: which destinations a captured event goes to. The event and its
// delivery tasks are then stored in one transaction (see NewEvent), so a webhook is never
// durable without its deliveries.

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/ttl_cache.h"
#include "domain/delivery.h"
#include "domain/destination.h"
#include "domain/event.h"
#include "filter/filter.h"

namespace rehook {

struct Route {
  std::string connection_id;
  std::string destination_id;
  std::optional<Filter> filter;  // none: every event passes
};

// The enabled connections of one source to enabled destinations, with their filters compiled.
struct SourceRoutes {
  std::vector<Route> routes;
};

using RouteCache = TtlCache<std::shared_ptr<const SourceRoutes>>;

// Compiles a source's connections, leaving out disabled ones and those to a destination in
// `disabled_destinations`. A stored filter that no longer compiles (it was validated when
// saved) is logged and routes nothing, rather than everything.
std::shared_ptr<const SourceRoutes> CompileRoutes(
    const std::vector<Connection>& connections,
    const std::unordered_set<std::string>& disabled_destinations);

// Identifies the node that creates or works on tasks, and how long its leases last.
struct TaskOwner {
  std::string node_id;
  TimeMs lease_ms = 0;
};

// One task per route whose filter matches `event` (whose body must be loaded), due now and
// leased to `owner` so that this node delivers it without waiting for the poller.
std::vector<DeliveryTask> PlanDeliveries(const Event& event, const SourceRoutes& routes, TimeMs now,
                                         const TaskOwner& owner);

}  // namespace rehook
