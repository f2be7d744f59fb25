#pragma once
// Store role: what users configure — sources, destinations and the connections between them.
// Capture, forwarding and replay read it through caches (CachedConfiguration, in app/), which
// drop what a change through this node makes stale.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/destination.h"
#include "domain/source.h"
#include "domain/transformation.h"
#include "store/queries.h"

namespace rehook {

class ConfigurationStore {
 public:
  virtual ~ConfigurationStore() = default;

  virtual void InsertSource(const Source& source) = 0;
  virtual std::optional<Source> GetSource(const std::string& org_id, const std::string& id) = 0;
  // Looks a source up by id alone: capture knows only the id in the ingest URL.
  virtual std::optional<Source> FindSourceForCapture(const std::string& id) = 0;
  virtual Page<Source> ListSources(const std::string& org_id, const PageRequest& page) = 0;
  virtual bool UpdateSource(const Source& source) = 0;
  // Removes the source; its captured events stay (and stay replayable) until retention.
  virtual bool DeleteSource(const std::string& org_id, const std::string& id) = 0;

  virtual void InsertDestination(const Destination& destination) = 0;
  virtual std::optional<Destination> GetDestination(const std::string& org_id,
                                                    const std::string& id) = 0;
  virtual Page<Destination> ListDestinations(const std::string& org_id,
                                             const PageRequest& page) = 0;
  // Looks a destination up by id alone: a circuit breaker knows only the id.
  virtual std::optional<Destination> FindDestination(const std::string& id) = 0;
  // Auto-disable: enabled destinations, of every organization, whose every attempt has failed
  // for at least their disable_after_ms at `now` (at most `limit`).
  virtual std::vector<Destination> DestinationsFailingTooLong(TimeMs now, int limit) = 0;
  // Disables the destination (and removes its pending deliveries) if it is still one of those:
  // true for the one caller, of all nodes, that did.
  virtual bool DisableFailingDestination(const std::string& id, TimeMs now) = 0;
  // Saves the destination; disabling it also removes its pending deliveries (in the same
  // transaction): its events stay, to be replayed once it is enabled again.
  virtual bool UpdateDestination(const Destination& destination) = 0;
  // Removes the destination with its connections and pending deliveries; the attempt log stays.
  virtual bool DeleteDestination(const std::string& org_id, const std::string& id) = 0;

  virtual void InsertConnection(const Connection& connection) = 0;
  virtual std::optional<Connection> GetConnection(const std::string& org_id,
                                                  const std::string& id) = 0;
  virtual Page<Connection> ListConnections(const std::string& org_id, const PageRequest& page) = 0;
  // Every connection of a source, enabled or not (routing at capture time).
  virtual std::vector<Connection> ListConnectionsOfSource(const std::string& source_id) = 0;
  virtual bool UpdateConnection(const Connection& connection) = 0;
  // Removes the connection and its pending deliveries.
  virtual bool DeleteConnection(const std::string& org_id, const std::string& id) = 0;

  virtual void InsertTransformation(const Transformation& transformation) = 0;
  virtual std::optional<Transformation> GetTransformation(const std::string& org_id,
                                                          const std::string& id) = 0;
  virtual Page<Transformation> ListTransformations(const std::string& org_id,
                                                   const PageRequest& page) = 0;
  virtual bool UpdateTransformation(const Transformation& transformation) = 0;
  // Removes the transformation unless a connection names it: then nothing changes and the
  // first such connection is returned. false: no such transformation.
  virtual std::variant<bool, TransformationInUse> DeleteTransformation(const std::string& org_id,
                                                                       const std::string& id) = 0;
};

}  // namespace rehook
