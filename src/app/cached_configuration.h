#pragma once
// The configuration role as the rest of the server sees it: every call goes to the store, and a
// change drops what it made stale from the caches that capture, forwarding and replay read
// (sources, routes, destinations, connections, transformations). Invalidation lives here and
// nowhere else, so a new kind of change cannot forget it. Other nodes' changes are seen once the
// cache entry's TTL has passed.

#include "capture/source_cache.h"
#include "delivery/destination_cache.h"
#include "delivery/routing.h"
#include "delivery/transform_step.h"
#include "store/roles/configuration_store.h"

namespace rehook {

// The caches whose entries configuration changes make stale.
struct ConfigurationCaches {
  SourceCache& sources;
  RouteCache& routes;
  DestinationCache& destinations;
  ConnectionCache& connections;
  TransformationCache& transformations;
};

class CachedConfiguration final : public ConfigurationStore {
 public:
  CachedConfiguration(ConfigurationStore& store, ConfigurationCaches caches)
      : store_(store),
        sources_(caches.sources),
        routes_(caches.routes),
        destinations_(caches.destinations),
        connections_(caches.connections),
        transformations_(caches.transformations) {}

  void InsertSource(const Source& source) override;
  std::optional<Source> GetSource(const std::string& org_id, const std::string& id) override;
  std::optional<Source> FindSourceForCapture(const std::string& id) override;
  Page<Source> ListSources(const std::string& org_id, const PageRequest& page) override;
  bool UpdateSource(const Source& source) override;
  bool DeleteSource(const std::string& org_id, const std::string& id) override;

  void InsertDestination(const Destination& destination) override;
  std::optional<Destination> GetDestination(const std::string& org_id,
                                            const std::string& id) override;
  Page<Destination> ListDestinations(const std::string& org_id, const PageRequest& page) override;
  std::optional<Destination> FindDestination(const std::string& id) override;
  std::vector<Destination> DestinationsFailingTooLong(TimeMs now, int limit) override;
  bool DisableFailingDestination(const std::string& id, TimeMs now) override;
  bool UpdateDestination(const Destination& destination) override;
  bool DeleteDestination(const std::string& org_id, const std::string& id) override;

  void InsertConnection(const Connection& connection) override;
  std::optional<Connection> GetConnection(const std::string& org_id,
                                          const std::string& id) override;
  Page<Connection> ListConnections(const std::string& org_id, const PageRequest& page) override;
  std::vector<Connection> ListConnectionsOfSource(const std::string& source_id) override;
  bool UpdateConnection(const Connection& connection) override;
  bool DeleteConnection(const std::string& org_id, const std::string& id) override;

  void InsertTransformation(const Transformation& transformation) override;
  std::optional<Transformation> GetTransformation(const std::string& org_id,
                                                  const std::string& id) override;
  Page<Transformation> ListTransformations(const std::string& org_id,
                                           const PageRequest& page) override;
  bool UpdateTransformation(const Transformation& transformation) override;
  std::variant<bool, TransformationInUse> DeleteTransformation(const std::string& org_id,
                                                               const std::string& id) override;

 private:
  ConfigurationStore& store_;
  SourceCache& sources_;
  RouteCache& routes_;
  DestinationCache& destinations_;
  ConnectionCache& connections_;
  TransformationCache& transformations_;
};

}  // namespace rehook
