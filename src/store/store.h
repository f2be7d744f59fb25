#pragma once
// Store: everything rehook persists, as nine narrow roles (store/roles/) over one database, with
// a SQLite and a PostgreSQL implementation. A component is handed only the roles it uses; only
// the application's wiring and the store's own tests see the whole Store.
//
// Calls block; the server runs them on the store's own threads (StoreExecutor, BatchWriter) so
// io threads never wait on disk.
//
// Contract shared by every role:
//  - Lookups scoped by org_id return nothing for another org's records (tenant isolation is
//    enforced here, not only in handlers).
//  - Failures of the database itself throw StoreError; "not found" is an empty optional/false.
//  - Ids and timestamps are chosen by the caller, so every implementation stores the same values.
//  - Every write except EventLog::ApplyBatch is durable when the method returns.

#include "store/roles/cluster_state.h"
#include "store/roles/configuration_store.h"
#include "store/roles/event_log.h"
#include "store/roles/notification_store.h"
#include "store/roles/replay_history.h"
#include "store/roles/store_backup.h"
#include "store/roles/store_error.h"
#include "store/roles/tenancy_store.h"
#include "store/roles/traffic_stats.h"
#include "store/roles/work_leases.h"

namespace rehook {

class Store {
 public:
  virtual ~Store() = default;

  // True when the store answers a trivial query (used by /readyz).
  virtual bool Ping() = 0;

  virtual TenancyStore& tenancy() = 0;
  virtual ConfigurationStore& configuration() = 0;
  virtual EventLog& events() = 0;
  virtual WorkLeases& work() = 0;
  virtual ReplayHistory& replays() = 0;
  virtual ClusterState& cluster() = 0;
  virtual TrafficStats& traffic() = 0;
  virtual NotificationStore& notifications() = 0;
  virtual StoreBackup& backup() = 0;
};

}  // namespace rehook
