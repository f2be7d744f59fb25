// PgStore: destination state shared by several nodes (rate-limit slots and circuits).
#include <regex>

#include "store/postgres/pg_store.h"
#include "store/row_readers.h"
#include "store/shared_state_sql.h"

namespace rehook {

using pg::Params;

namespace {

// The shared SQL numbers its placeholders ?N; PostgreSQL's are $N.
std::string Dollars(const std::string& sql) {
  return std::regex_replace(sql, std::regex(R"(\?(\d+))"), "$$$1");
}

}  // namespace

TimeMs PgStore::ReserveDeliverySlot(const std::string& destination_id, TimeMs now,
                                    TimeMs spacing_ms) {
  static const std::string sql = Dollars(shared_state_sql::kReserveSlot);
  auto db = pool_.Acquire();
  return db->Exec(sql, Params(destination_id, now, spacing_ms)).row(0).Int64(0);
}

CircuitRecord PgStore::ReportCircuit(const CircuitReport& report, int threshold, TimeMs cooldown_ms,
                                     TimeMs now) {
  static const std::string sql = Dollars(shared_state_sql::ReportCircuit());
  auto db = pool_.Acquire();
  return rows::ReadCircuit(db->Exec(sql, Params(report.destination_id, report.trailing_failures,
                                                report.saw_success, threshold, cooldown_ms, now))
                               .row(0));
}

std::vector<CircuitRecord> PgStore::ListTroubledCircuits() {
  auto db = pool_.Acquire();
  return db->Exec(shared_state_sql::kListTroubled).ReadAll(rows::ReadCircuit<pg::Row>);
}

}  // namespace rehook
