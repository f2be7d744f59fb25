#pragma once
// The store for several nodes: PostgreSQL through libpq (see pg_backend.h), its roles written
// once over the SQL backend (store/sql/), but for the event log's writes (pg_event_log.h).
// Claims of delivery tasks and replay jobs use FOR UPDATE SKIP LOCKED, so nodes sharing the
// database split the work.

#include <string>

#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_event_log.h"
#include "store/sql/sql_cluster_state.h"
#include "store/sql/sql_configuration.h"
#include "store/sql/sql_notification_store.h"
#include "store/sql/sql_replay_history.h"
#include "store/sql/sql_tenancy.h"
#include "store/sql/sql_traffic_stats.h"
#include "store/sql/sql_work_leases.h"
#include "store/store.h"

namespace rehook {

// PostgreSQL is backed up with its own tools; rehook says which.
class PgBackupAdvice final : public StoreBackup {
 public:
  void BackupTo(const std::string& path, std::int64_t max_bytes_per_second) override;
};

class PgStore final : public Store {
 public:
  // Connects with `url` (postgres://...) and migrates the database to the latest schema.
  explicit PgStore(const std::string& url);

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
  pg::PgBackend backend_;
  SqlTenancy tenancy_;
  SqlConfiguration configuration_;
  PgEventLog events_;
  SqlWorkLeases work_;
  SqlReplayHistory replays_;
  SqlClusterState cluster_;
  SqlTrafficStats traffic_;
  SqlNotificationStore notifications_;
  PgBackupAdvice backup_;
};

}  // namespace rehook
