#pragma once
// The embedded store: one SQLite file in WAL mode (see sqlite_backend.h), its roles written once
// over the SQL backend (store/sql/), but for the event log's writes (sqlite_event_log.h).
// Checkpoints run on their own thread.

#include <memory>
#include <string>

#include "store/sql/sql_cluster_state.h"
#include "store/sql/sql_configuration.h"
#include "store/sql/sql_notification_store.h"
#include "store/sql/sql_replay_history.h"
#include "store/sql/sql_tenancy.h"
#include "store/sql/sql_traffic_stats.h"
#include "store/sql/sql_work_leases.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/sqlite_backend.h"
#include "store/sqlite/sqlite_backup.h"
#include "store/sqlite/sqlite_event_log.h"
#include "store/store.h"

namespace rehook {

class SqliteStore final : public Store {
 public:
  // Opens or creates the database file at `path` and migrates it to the latest schema.
  explicit SqliteStore(const std::string& path);

  bool Ping() override;
  TenancyStore& tenancy() override { return tenancy_; }
  ConfigurationStore& configuration() override { return configuration_; }
  EventLog& events() override { return events_; }
  WorkLeases& work() override { return work_; }
  ReplayHistory& replays() override { return replays_; }
  ClusterState& cluster() override { return cluster_; }
  TrafficStats& traffic() override { return traffic_; }
  NotificationStore& notifications() override { return notifications_; }
  StoreBackup& backup() override { return backup_; }

 private:
  sqlite::SqliteBackend backend_;
  sqlite::Checkpointer checkpointer_;
  SqlTenancy tenancy_;
  SqlConfiguration configuration_;
  SqliteEventLog events_;
  SqlWorkLeases work_;
  SqlReplayHistory replays_;
  SqlClusterState cluster_;
  SqlTrafficStats traffic_;
  SqlNotificationStore notifications_;
  sqlite::SqliteBackup backup_;
};

}  // namespace rehook
