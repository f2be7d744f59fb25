#include "app/cached_configuration.h"

namespace rehook {

void CachedConfiguration::InsertSource(const Source& source) {
  store_.InsertSource(source);
  sources_.Invalidate(source.id);  // capture may have cached the id as unknown
}

std::optional<Source> CachedConfiguration::GetSource(const std::string& org_id,
                                                     const std::string& id) {
  return store_.GetSource(org_id, id);
}

std::optional<Source> CachedConfiguration::FindSourceForCapture(const std::string& id) {
  return store_.FindSourceForCapture(id);
}

Page<Source> CachedConfiguration::ListSources(const std::string& org_id, const PageRequest& page) {
  return store_.ListSources(org_id, page);
}

bool CachedConfiguration::UpdateSource(const Source& source) {
  const bool updated = store_.UpdateSource(source);
  sources_.Invalidate(source.id);
  return updated;
}

bool CachedConfiguration::DeleteSource(const std::string& org_id, const std::string& id) {
  const bool deleted = store_.DeleteSource(org_id, id);
  sources_.Invalidate(id);
  routes_.Invalidate(id);
  return deleted;
}

void CachedConfiguration::InsertDestination(const Destination& destination) {
  store_.InsertDestination(destination);
  destinations_.Invalidate(destination.id);
}

std::optional<Destination> CachedConfiguration::GetDestination(const std::string& org_id,
                                                               const std::string& id) {
  return store_.GetDestination(org_id, id);
}

Page<Destination> CachedConfiguration::ListDestinations(const std::string& org_id,
                                                        const PageRequest& page) {
  return store_.ListDestinations(org_id, page);
}

bool CachedConfiguration::UpdateDestination(const Destination& destination) {
  const bool updated = store_.UpdateDestination(destination);
  destinations_.Invalidate(destination.id);
  // Routes leave out disabled destinations; which sources route here is not known without a
  // query, and a destination changes rarely, so every source's routes are compiled again.
  routes_.InvalidateAll();
  return updated;
}

std::optional<Destination> CachedConfiguration::FindDestination(const std::string& id) {
  return store_.FindDestination(id);
}

std::vector<Destination> CachedConfiguration::DestinationsFailingTooLong(TimeMs now, int limit) {
  return store_.DestinationsFailingTooLong(now, limit);
}

bool CachedConfiguration::DisableFailingDestination(const std::string& id, TimeMs now) {
  const bool disabled = store_.DisableFailingDestination(id, now);
  if (disabled) destinations_.Invalidate(id);  // forwarding drops its queued deliveries
  return disabled;
}

bool CachedConfiguration::DeleteDestination(const std::string& org_id, const std::string& id) {
  const bool deleted = store_.DeleteDestination(org_id, id);
  destinations_.Invalidate(id);
  routes_.InvalidateAll();  // its connections went with it
  return deleted;
}

void CachedConfiguration::InsertConnection(const Connection& connection) {
  store_.InsertConnection(connection);
  routes_.Invalidate(connection.source_id);
}

std::optional<Connection> CachedConfiguration::GetConnection(const std::string& org_id,
                                                             const std::string& id) {
  return store_.GetConnection(org_id, id);
}

Page<Connection> CachedConfiguration::ListConnections(const std::string& org_id,
                                                      const PageRequest& page) {
  return store_.ListConnections(org_id, page);
}

std::vector<Connection> CachedConfiguration::ListConnectionsOfSource(const std::string& source_id) {
  return store_.ListConnectionsOfSource(source_id);
}

bool CachedConfiguration::UpdateConnection(const Connection& connection) {
  const bool updated = store_.UpdateConnection(connection);
  routes_.Invalidate(connection.source_id);  // a connection never moves to another source
  connections_.Invalidate(connection.id);
  return updated;
}

bool CachedConfiguration::DeleteConnection(const std::string& org_id, const std::string& id) {
  // The source whose routes change is only known from the connection itself.
  const std::optional<Connection> connection = store_.GetConnection(org_id, id);
  const bool deleted = store_.DeleteConnection(org_id, id);
  if (connection) routes_.Invalidate(connection->source_id);
  connections_.Invalidate(id);
  return deleted;
}

void CachedConfiguration::InsertTransformation(const Transformation& transformation) {
  store_.InsertTransformation(transformation);
  transformations_.Invalidate(transformation.id);
}

std::optional<Transformation> CachedConfiguration::GetTransformation(const std::string& org_id,
                                                                     const std::string& id) {
  return store_.GetTransformation(org_id, id);
}

Page<Transformation> CachedConfiguration::ListTransformations(const std::string& org_id,
                                                              const PageRequest& page) {
  return store_.ListTransformations(org_id, page);
}

bool CachedConfiguration::UpdateTransformation(const Transformation& transformation) {
  const bool updated = store_.UpdateTransformation(transformation);
  transformations_.Invalidate(transformation.id);
  return updated;
}

std::variant<bool, TransformationInUse> CachedConfiguration::DeleteTransformation(
    const std::string& org_id, const std::string& id) {
  auto result = store_.DeleteTransformation(org_id, id);
  transformations_.Invalidate(id);
  return result;
}

}  // namespace rehook
