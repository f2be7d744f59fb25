// SqliteStore: destination state shared by several nodes. One node serves a SQLite store, so
// nothing uses these in production; they exist so that both stores keep one contract.
#include "store/shared_state_sql.h"
#include "store/sqlite/sqlite_rows.h"
#include "store/sqlite/sqlite_store.h"

namespace rehook {

TimeMs SqliteStore::ReserveDeliverySlot(const std::string& destination_id, TimeMs now,
                                        TimeMs spacing_ms) {
  return WithWriterUnsynced([&](sqlite::Database& db) {
    auto reserve = db.Prepare(shared_state_sql::kReserveSlot);
    reserve->BindAll(destination_id, now, spacing_ms);
    if (!reserve->Step()) throw StoreError("reserving a delivery slot returned nothing");
    TimeMs slot = reserve->Int64(0);
    while (reserve->Step()) {
    }
    return slot;
  });
}

CircuitRecord SqliteStore::ReportCircuit(const CircuitReport& report, int threshold,
                                         TimeMs cooldown_ms, TimeMs now) {
  static const std::string sql = shared_state_sql::ReportCircuit();
  return WithWriterUnsynced([&](sqlite::Database& db) {
    auto update = db.Prepare(sql);
    update->BindAll(report.destination_id, report.trailing_failures, report.saw_success, threshold,
                    cooldown_ms, now);
    if (!update->Step()) throw StoreError("reporting a circuit returned nothing");
    CircuitRecord record = rows::ReadCircuit(*update);
    while (update->Step()) {
    }
    return record;
  });
}

std::vector<CircuitRecord> SqliteStore::ListTroubledCircuits() {
  auto db = readers_.Acquire();
  auto select = db->Prepare(shared_state_sql::kListTroubled);
  return sqlite::ReadAll(*select, rows::ReadCircuit<sqlite::Statement>);
}

}  // namespace rehook
