#include "store/sql/sql_traffic_stats.h"

#include "store/sql/conditional_sql.h"

namespace rehook {

std::vector<TrafficRow> SqlTrafficStats::ListTraffic(const TrafficQuery& query) {
  // The primary key (org_id, bucket_ms, t, ...) bounds the walk to the range's rows. The sums
  // are cast back: PostgreSQL's SUM of a BIGINT is a NUMERIC.
  sql::ConditionalSql sql(
      "SELECT t, source_id, destination_id, latency_class, CAST(SUM(captured) AS BIGINT), "
      "CAST(SUM(delivered) AS BIGINT), CAST(SUM(failed) AS BIGINT) FROM traffic_rollups WHERE ");
  sql.Append("org_id = ? AND bucket_ms = ? AND t >= ? AND t < ?");
  if (query.source_id) sql.Append(" AND source_id = ?");
  if (query.destination_id) sql.Append(" AND destination_id = ?");
  sql.Append(" GROUP BY t, source_id, destination_id, latency_class");
  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql.sql());
    select->BindAll(query.org_id, query.bucket_ms, query.from, query.to);
    if (query.source_id) select->Bind(*query.source_id);
    if (query.destination_id) select->Bind(*query.destination_id);
    return select->ReadAll([&](const sql::Statement& row) {
      TrafficRow read;
      read.org_id = query.org_id;
      read.bucket_ms = query.bucket_ms;
      read.t = row.Int64(0);
      read.source_id = row.Text(1);
      read.destination_id = row.Text(2);
      read.latency_class = static_cast<int>(row.Int64(3));
      read.captured = row.Int64(4);
      read.delivered = row.Int64(5);
      read.failed = row.Int64(6);
      return read;
    });
  });
}

int SqlTrafficStats::DeleteTrafficBefore(const std::string& org_id, TimeMs cutoff, int limit) {
  // By the key's leading columns, so that both engines take the batch from the index.
  return backend_.Write([&](sql::Session& db) {
    int removed = 0;
    for (TimeMs size : kTrafficBucketSizes) {
      removed += static_cast<int>(
          db.Prepare("DELETE FROM traffic_rollups WHERE (org_id, bucket_ms, t, source_id, "
                     "destination_id, latency_class, shard) IN (SELECT org_id, bucket_ms, t, "
                     "source_id, destination_id, latency_class, shard FROM traffic_rollups "
                     "WHERE org_id = ?1 AND bucket_ms = ?2 AND t < ?3 LIMIT ?4)")
              ->BindAll(org_id, size, cutoff, limit)
              .Run());
    }
    return removed;
  });
}

}  // namespace rehook
