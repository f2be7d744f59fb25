#include "store/sql/sql_cluster_state.h"

#include "store/row_readers.h"
#include "store/shared_state_sql.h"

namespace rehook {

// Neither pacing nor circuits need to survive a crash: no fsync is waited for.

TimeMs SqlClusterState::ReserveDeliverySlot(const std::string& destination_id, TimeMs now,
                                            TimeMs spacing_ms) {
  auto slot = backend_.WriteUnsynced([&](sql::Session& db) {
    return db.Prepare(shared_state_sql::kReserveSlot)
        ->BindAll(destination_id, now, spacing_ms)
        .ReadFirst([](const sql::Statement& row) { return row.Int64(0); });
  });
  if (!slot) throw StoreError("reserving a delivery slot returned nothing");
  return *slot;
}

CircuitRecord SqlClusterState::ReportCircuit(const CircuitReport& report, int threshold,
                                             TimeMs cooldown_ms, TimeMs now) {
  static const std::string sql = shared_state_sql::ReportCircuit();
  auto record = backend_.WriteUnsynced([&](sql::Session& db) {
    return db.Prepare(sql)
        ->BindAll(report.destination_id, report.trailing_failures, report.saw_success, threshold,
                  cooldown_ms, now)
        .ReadFirst(rows::ReadCircuit<sql::Statement>);
  });
  if (!record) throw StoreError("reporting a circuit returned nothing");
  return *record;
}

std::vector<CircuitRecord> SqlClusterState::ListTroubledCircuits() {
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(shared_state_sql::kListTroubled)->ReadAll(rows::ReadCircuit<sql::Statement>);
  });
}

}  // namespace rehook
