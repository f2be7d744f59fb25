#pragma once
// The name a node holds its leases under (delivery tasks, replay jobs).
//
// With SQLite there is exactly one node per store, named "local". With PostgreSQL several nodes
// share the work, so each needs a name no other node has, and one that stays the same across its
// restarts, so that a restarted node frees what it held at once instead of waiting for its
// leases to lapse. A random name kept in the (locked, per-node) data directory is both.

#include <string>

namespace rehook {

// `configured` when not empty (--node-id); otherwise "local" for SQLite, or the name saved in
// `data_dir`/node.id, created on first start.
std::string ResolveNodeId(const std::string& configured, bool shared_store,
                          const std::string& data_dir);

}  // namespace rehook
