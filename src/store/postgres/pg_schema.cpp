#include "store/postgres/pg_schema.h"

#include <chrono>
#include <string>
#include <vector>

#include "common/log.h"
#include "store/shared_state_sql.h"

namespace rehook::pg {
namespace {

// Serializes migrations between nodes (an arbitrary constant: "rehook" in ASCII).
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(125779421274731)";

// Append new migrations at the end; never edit one that has shipped. Column names and order
// follow the SQLite schema (the row readers are shared); bytes that need not be UTF-8 (request
// paths and queries, header blocks, bodies, hashes) are bytea.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> migrations = {
      // 1: organizations, keys, sessions, sources, events.
      R"sql(
        CREATE TABLE organizations (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          retention_days BIGINT NOT NULL DEFAULT 30,
          created_at BIGINT NOT NULL
        );
        CREATE INDEX organizations_by_time ON organizations(created_at, id);

        CREATE TABLE api_keys (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          name TEXT NOT NULL,
          role TEXT NOT NULL,
          key_hash BYTEA NOT NULL UNIQUE,
          key_prefix TEXT NOT NULL,
          created_at BIGINT NOT NULL
        );
        CREATE INDEX api_keys_by_org ON api_keys(org_id, created_at, id);

        CREATE TABLE sessions (
          token_hash BYTEA PRIMARY KEY,
          key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
          created_at BIGINT NOT NULL,
          expires_at BIGINT NOT NULL
        );
        CREATE INDEX sessions_by_key ON sessions(key_id);

        CREATE TABLE sources (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          name TEXT NOT NULL,
          config TEXT NOT NULL DEFAULT '{}',
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        );
        CREATE INDEX sources_by_org ON sources(org_id, created_at, id);

        CREATE TABLE events (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL,
          source_id TEXT NOT NULL,
          received_at BIGINT NOT NULL,
          method TEXT NOT NULL,
          path BYTEA NOT NULL,
          query BYTEA NOT NULL,
          headers BYTEA NOT NULL,
          client_ip TEXT NOT NULL,
          size BIGINT NOT NULL,
          verified BOOLEAN NOT NULL,
          body BYTEA NOT NULL
        );
        CREATE INDEX events_by_org_time ON events(org_id, received_at, id);
        CREATE INDEX events_by_source_time ON events(source_id, received_at, id);
      )sql",
      // 2: destinations, connections, pending deliveries and the attempt log.
      R"sql(
        CREATE TABLE destinations (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          name TEXT NOT NULL,
          url TEXT NOT NULL,
          timeout_ms BIGINT NOT NULL,
          headers BYTEA NOT NULL,
          secret TEXT NOT NULL,
          rate_limit BIGINT,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        );
        CREATE INDEX destinations_by_org ON destinations(org_id, created_at, id);

        CREATE TABLE connections (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL,
          source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
          destination_id TEXT NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
          filter TEXT NOT NULL,
          enabled BOOLEAN NOT NULL,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        );
        CREATE INDEX connections_by_org ON connections(org_id, created_at, id);
        CREATE INDEX connections_by_source ON connections(source_id);
        CREATE INDEX connections_by_destination ON connections(destination_id);

        -- No foreign keys here: a task is written with its event in a capture batch, and a
        -- connection deleted meanwhile must not fail the whole batch. Deletes clean up instead.
        CREATE TABLE delivery_tasks (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL,
          event_id TEXT NOT NULL,
          destination_id TEXT NOT NULL,
          connection_id TEXT NOT NULL,
          attempts BIGINT NOT NULL,
          next_attempt_at BIGINT NOT NULL,
          lease_owner TEXT NOT NULL,
          lease_until BIGINT NOT NULL,
          created_at BIGINT NOT NULL
        );
        CREATE INDEX delivery_tasks_due ON delivery_tasks(next_attempt_at);
        CREATE INDEX delivery_tasks_by_connection ON delivery_tasks(connection_id);
        CREATE INDEX delivery_tasks_by_destination ON delivery_tasks(destination_id);

        CREATE TABLE delivery_attempts (
          seq BIGSERIAL PRIMARY KEY,
          id TEXT NOT NULL,
          org_id TEXT NOT NULL,
          event_id TEXT NOT NULL,
          destination_id TEXT NOT NULL,
          connection_id TEXT,
          replay_job_id TEXT,
          attempt BIGINT NOT NULL,
          status_code BIGINT,
          response_time_ms BIGINT,
          success BOOLEAN NOT NULL,
          error TEXT NOT NULL,
          next_retry_at BIGINT,
          created_at BIGINT NOT NULL
        );
        CREATE INDEX delivery_attempts_by_event ON delivery_attempts(event_id, seq);
      )sql",
      // 3: replay jobs and single-request replays.
      R"sql(
        CREATE TABLE replay_jobs (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL,
          destination_id TEXT NOT NULL,
          source_id TEXT,
          connection_id TEXT,
          filter TEXT NOT NULL,
          range_from BIGINT NOT NULL,
          range_to BIGINT NOT NULL,
          rate_limit BIGINT NOT NULL,
          max_events BIGINT NOT NULL,
          status TEXT NOT NULL,
          status_reason TEXT NOT NULL,
          total BIGINT NOT NULL,
          processed BIGINT NOT NULL,
          succeeded BIGINT NOT NULL,
          failed BIGINT NOT NULL,
          cursor_time BIGINT,
          cursor_id TEXT,
          created_at BIGINT NOT NULL,
          started_at BIGINT NOT NULL,
          completed_at BIGINT,
          expires_at BIGINT,
          lease_owner TEXT NOT NULL,
          lease_until BIGINT NOT NULL
        );
        CREATE INDEX replay_jobs_by_org ON replay_jobs(org_id, created_at, id);
        CREATE INDEX replay_jobs_active ON replay_jobs(status)
          WHERE status IN ('running', 'paused');
        CREATE INDEX replay_jobs_expiry ON replay_jobs(expires_at) WHERE expires_at IS NOT NULL;
        CREATE INDEX delivery_attempts_by_job ON delivery_attempts(replay_job_id)
          WHERE replay_job_id IS NOT NULL;

        CREATE TABLE single_replays (
          seq BIGSERIAL PRIMARY KEY,
          id TEXT NOT NULL,
          org_id TEXT NOT NULL,
          source_id TEXT NOT NULL,
          event_id TEXT NOT NULL,
          target_url TEXT NOT NULL,
          status_code BIGINT,
          response_time_ms BIGINT,
          success BOOLEAN NOT NULL,
          error TEXT NOT NULL,
          created_at BIGINT NOT NULL
        );
        CREATE INDEX single_replays_by_event ON single_replays(event_id, seq);
      )sql",
      // 4: destination state shared by several nodes (rate-limit slots, circuits).
      shared_state_sql::kCreateTables,
      // 5: deduplicated capture: which event holds each dedup key of a source, since when.
      R"sql(
        CREATE TABLE dedup_keys (
          source_id TEXT NOT NULL,
          key_hash TEXT NOT NULL,
          event_id TEXT NOT NULL,
          seen_at BIGINT NOT NULL,
          PRIMARY KEY (source_id, key_hash)
        );
        -- Retention drops keys older than the longest window; erasing an event drops its key.
        CREATE INDEX dedup_keys_by_age ON dedup_keys(seen_at);
        CREATE INDEX dedup_keys_by_event ON dedup_keys(event_id);
      )sql",
      // 6: the delivery id replay jobs send ("new" or "original").
      R"sql(
        ALTER TABLE replay_jobs ADD COLUMN id_mode TEXT NOT NULL DEFAULT 'new';
      )sql",
      // 7: outcome diff (each replay compared with the last earlier send of its event) and
      // destinations that can be disabled.
      R"sql(
        ALTER TABLE delivery_attempts ADD COLUMN outcome TEXT;
        ALTER TABLE single_replays ADD COLUMN outcome TEXT;
        ALTER TABLE replay_jobs ADD COLUMN fixed INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE replay_jobs ADD COLUMN regressed INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE destinations ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT TRUE;
        -- (The last earlier attempt of an event is found through delivery_attempts_by_event:
        -- an event has a handful of attempts.)
      )sql",
      // 8: the first bytes of what the consumer answered, kept with each attempt and replay.
      R"sql(
        ALTER TABLE delivery_attempts ADD COLUMN response_body BYTEA;
        ALTER TABLE single_replays ADD COLUMN response_body BYTEA;
      )sql",
      // 9: recovering what failed (as SQLite's migration 10): retry policies of destinations,
      // what made each attempt, replay jobs of failed or undelivered events only, and each
      // event's standing at each destination, filled from the attempts logged so far.
      R"sql(
        ALTER TABLE delivery_attempts ADD COLUMN trigger_kind TEXT;
        ALTER TABLE replay_jobs ADD COLUMN only_kind TEXT NOT NULL DEFAULT 'all';
        ALTER TABLE destinations ADD COLUMN retry_attempts BIGINT;
        ALTER TABLE destinations ADD COLUMN retry_backoff TEXT;
        ALTER TABLE destinations ADD COLUMN retry_interval_ms BIGINT;
        CREATE TABLE delivery_standings (
          event_id TEXT NOT NULL,
          destination_id TEXT NOT NULL,
          org_id TEXT NOT NULL,
          last_success BOOLEAN NOT NULL,
          ever_succeeded BOOLEAN NOT NULL,
          last_attempt_at BIGINT NOT NULL,
          PRIMARY KEY (event_id, destination_id)
        );
        INSERT INTO delivery_standings (event_id, destination_id, org_id, last_success,
                                        ever_succeeded, last_attempt_at)
          SELECT DISTINCT ON (event_id, destination_id) event_id, destination_id, org_id, success,
                 bool_or(success) OVER (PARTITION BY event_id, destination_id),
                 max(created_at) OVER (PARTITION BY event_id, destination_id)
            FROM delivery_attempts ORDER BY event_id, destination_id, seq DESC;
      )sql",
      // 10: live streams. Each event records the transaction that inserted it: commit order for
      // streams (see Dialect::settled_commits). Events stored before carry 0. A BRIN index: rows
      // are appended in about transaction order, so it finds the newest commits from a few
      // block ranges, and costs capture next to nothing (a B-tree would add a write per event).
      R"sql(
        ALTER TABLE events ADD COLUMN commit_xid BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE events ALTER COLUMN commit_xid SET DEFAULT pg_current_xact_id()::text::bigint;
        CREATE INDEX events_by_commit ON events USING brin (commit_xid) WITH (pages_per_range = 16);
      )sql",
      // 11: transformations (as SQLite's migration 11).
      R"sql(
        CREATE TABLE transformations (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          name TEXT NOT NULL,
          code TEXT NOT NULL,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        );
        CREATE INDEX transformations_by_org ON transformations(org_id, created_at, id);
        ALTER TABLE connections ADD COLUMN transformation_id TEXT;
        CREATE INDEX connections_by_transformation ON connections(transformation_id);
        ALTER TABLE replay_jobs ADD COLUMN transformation_id TEXT;
        ALTER TABLE delivery_attempts ADD COLUMN transformation_id TEXT;
        ALTER TABLE delivery_attempts ADD COLUMN transformation_us BIGINT;
        ALTER TABLE delivery_attempts ADD COLUMN skipped BOOLEAN NOT NULL DEFAULT false;
        ALTER TABLE delivery_attempts ADD COLUMN sent_request TEXT;
      )sql",
      // 12: traffic rollups (as SQLite's migration 12); each process writes its own shard, so
      // that nodes adding to the same minute never wait on each other's row locks.
      R"sql(
        CREATE TABLE traffic_rollups (
          org_id TEXT NOT NULL,
          bucket_ms BIGINT NOT NULL,
          t BIGINT NOT NULL,
          source_id TEXT NOT NULL,
          destination_id TEXT NOT NULL,
          latency_class BIGINT NOT NULL,
          shard BIGINT NOT NULL,
          captured BIGINT NOT NULL,
          delivered BIGINT NOT NULL,
          failed BIGINT NOT NULL,
          PRIMARY KEY (org_id, bucket_ms, t, source_id, destination_id, latency_class, shard)
        );
      )sql",
      // 13: notification channels (as SQLite's migration 13).
      R"sql(
        CREATE TABLE notification_channels (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          url TEXT NOT NULL,
          kinds TEXT NOT NULL,
          format TEXT NOT NULL,
          secret TEXT NOT NULL,
          created_at BIGINT NOT NULL
        );
        CREATE INDEX notification_channels_by_org ON notification_channels(org_id, created_at, id);
        -- Auto-disable (domain/destination.h): the window, and the first failure since the
        -- latest success (kept with each group commit).
        ALTER TABLE destinations ADD COLUMN disable_after_ms BIGINT;
        ALTER TABLE destinations ADD COLUMN failing_since BIGINT;
      )sql",
      // 14: failed-only replays from the standings side (as SQLite's migration 14); here the
      // events' received_at is joined in by their primary key.
      R"sql(
        ALTER TABLE delivery_standings ADD COLUMN received_at BIGINT NOT NULL DEFAULT 0;
        UPDATE delivery_standings s SET received_at = e.received_at
          FROM events e WHERE e.id = s.event_id;
        CREATE INDEX delivery_standings_failed
          ON delivery_standings(destination_id, received_at, event_id) WHERE NOT last_success;
      )sql",
      // 15: events, attempts and standings partitioned by the UTC day of the events' received_at
      // (store/postgres/pg_days.h), so that retention drops whole days instead of deleting
      // rows. Events by received_at; attempts and standings by event id, whose first characters
      // carry that time (common/ids.h; compared byte by byte, hence COLLATE "C"). The tables
      // as they were become each one's first partition, holding every day before the cutover
      // (the day after the newest event; today in a new database): no row is copied, but
      // attaching reads each table once to check its bound. A default partition takes rows of
      // a day not made yet, so no capture ever fails for want of one. Events have no index on id
      // any more: every lookup goes through (org, received_at, id), like SQLite's since schema 9.
      R"sql(
        DO $migration$
        DECLARE
          newest BIGINT;
          cutover BIGINT;
          cutover_id TEXT := 'evt_';
          before TEXT;
          tables TEXT[] := ARRAY['events', 'delivery_attempts', 'delivery_standings'];
          tab TEXT;
          ix TEXT;
        BEGIN
          SELECT max(per_org.newest) INTO newest
            FROM (SELECT (SELECT max(received_at) FROM events e WHERE e.org_id = o.id) AS newest
                    FROM organizations o) AS per_org;
          IF newest IS NULL THEN  -- a new database: every day from today on is a day of its own
            cutover := (extract(epoch FROM clock_timestamp()) * 1000)::bigint / 86400000 * 86400000;
          ELSE
            cutover := (newest / 86400000 + 1) * 86400000;
          END IF;
          FOR i IN REVERSE 9..0 LOOP
            cutover_id := cutover_id || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ',
                                               ((cutover >> (5 * i)) & 31)::int + 1, 1);
          END LOOP;
          before := 'before_' || to_char(to_timestamp(cutover / 1000) AT TIME ZONE 'UTC',
                                         'YYYYMMDD');

          -- Nothing looks an event or an attempt up by its id or number alone any more: their
          -- unique indexes would only cost each capture into the first partition a write.
          ALTER TABLE events DROP CONSTRAINT events_pkey;
          ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_pkey;
          -- Each table steps aside with its indexes, under the first day's name.
          FOREACH tab IN ARRAY tables LOOP
            EXECUTE format('ALTER TABLE %I RENAME TO %I', tab, tab || '_' || before);
            FOR ix IN SELECT indexname FROM pg_indexes
                        WHERE schemaname = current_schema() AND tablename = tab || '_' || before
            LOOP  -- events_by_org_time -> events_before_20261208_by_org_time
              EXECUTE format('ALTER INDEX %I RENAME TO %I', ix,
                             tab || '_' || before || substr(ix, length(tab) + 1));
            END LOOP;
          END LOOP;
          FOREACH tab IN ARRAY tables[2:] LOOP
            EXECUTE format('ALTER TABLE %I ALTER COLUMN event_id TYPE TEXT COLLATE "C"',
                           tab || '_' || before);
          END LOOP;

          CREATE TABLE events (
            id TEXT NOT NULL,
            org_id TEXT NOT NULL,
            source_id TEXT NOT NULL,
            received_at BIGINT NOT NULL,
            method TEXT NOT NULL,
            path BYTEA NOT NULL,
            query BYTEA NOT NULL,
            headers BYTEA NOT NULL,
            client_ip TEXT NOT NULL,
            size BIGINT NOT NULL,
            verified BOOLEAN NOT NULL,
            body BYTEA NOT NULL,
            commit_xid BIGINT NOT NULL DEFAULT pg_current_xact_id()::text::bigint
          ) PARTITION BY RANGE (received_at);
          CREATE INDEX events_by_org_time ON events(org_id, received_at, id);
          CREATE INDEX events_by_source_time ON events(source_id, received_at, id);
          CREATE INDEX events_by_commit ON events USING brin (commit_xid)
            WITH (pages_per_range = 16);

          CREATE TABLE delivery_attempts (
            seq BIGINT NOT NULL DEFAULT nextval('delivery_attempts_seq_seq'),
            id TEXT NOT NULL,
            org_id TEXT NOT NULL,
            event_id TEXT COLLATE "C" NOT NULL,
            destination_id TEXT NOT NULL,
            connection_id TEXT,
            replay_job_id TEXT,
            attempt BIGINT NOT NULL,
            status_code BIGINT,
            response_time_ms BIGINT,
            success BOOLEAN NOT NULL,
            error TEXT NOT NULL,
            next_retry_at BIGINT,
            created_at BIGINT NOT NULL,
            outcome TEXT,
            response_body BYTEA,
            trigger_kind TEXT,
            transformation_id TEXT,
            transformation_us BIGINT,
            skipped BOOLEAN NOT NULL DEFAULT false,
            sent_request TEXT
          ) PARTITION BY RANGE (event_id);
          ALTER SEQUENCE delivery_attempts_seq_seq OWNED BY delivery_attempts.seq;
          CREATE INDEX delivery_attempts_by_event ON delivery_attempts(event_id, seq);
          CREATE INDEX delivery_attempts_by_job ON delivery_attempts(replay_job_id)
            WHERE replay_job_id IS NOT NULL;

          CREATE TABLE delivery_standings (
            event_id TEXT COLLATE "C" NOT NULL,
            destination_id TEXT NOT NULL,
            org_id TEXT NOT NULL,
            last_success BOOLEAN NOT NULL,
            ever_succeeded BOOLEAN NOT NULL,
            last_attempt_at BIGINT NOT NULL,
            received_at BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (event_id, destination_id)
          ) PARTITION BY RANGE (event_id);
          CREATE INDEX delivery_standings_failed
            ON delivery_standings(destination_id, received_at, event_id) WHERE NOT last_success;

          -- The tables set aside become the first partitions, and each gets a default one.
          FOREACH tab IN ARRAY tables LOOP
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%L)',
                           tab, tab || '_' || before,
                           CASE WHEN tab = 'events' THEN cutover::text ELSE cutover_id END);
            EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', tab || '_default', tab);
          END LOOP;
        END
        $migration$;
      )sql",
      // 16: the events' time indexes without the id. Keyed (org|source, received_at), the
      // events of one millisecond share one key, which B-tree deduplication stores once with a
      // list of row pointers: at 17 000-26 000 captures a second an index costs ~9 bytes per event
      // instead of ~97 (the 31-byte id and a tuple header in every entry); each insert still
      // logs its index entry, ~40 bytes shorter (WAL per capture 1 600 -> 1 517 bytes). Ties
      // in a millisecond are ordered by id in the sort above the scan (an incremental sort of
      // the rows sharing a time), and an event looked up by (org, received_at, id) is picked
      // out of its millisecond's rows by id. The upgrade rebuilds both indexes over every
      // partition while holding the events table (OPERATIONS.md, Upgrades).
      R"sql(
        DROP INDEX events_by_org_time;
        DROP INDEX events_by_source_time;
        CREATE INDEX events_by_org_time ON events(org_id, received_at);
        CREATE INDEX events_by_source_time ON events(source_id, received_at);
      )sql",
      // 17: delivery tasks keyed (connection_id, id), as SQLite's migration 15: the key serves
      // both a task's lookup and its connection's deletion, so the id and per-connection
      // indexes go, and the per-destination one (a destination's tasks are read from the whole
      // table, which holds pending deliveries only). Every forwarded event inserts and deletes a
      // task: two index entries each instead of four. The upgrade rebuilds the key.
      R"sql(
        ALTER TABLE delivery_tasks DROP CONSTRAINT delivery_tasks_pkey;
        ALTER TABLE delivery_tasks ADD PRIMARY KEY (connection_id, id);
        DROP INDEX delivery_tasks_by_connection;
        DROP INDEX delivery_tasks_by_destination;
      )sql",
      // 18: only tasks no node holds are indexed by due time, as SQLite's migration 16: a live
      // delivery (leased from its capture until its outcome deletes it) adds no index entry,
      // and the poller's claim no longer wades through the entries of deliveries deleted since
      // the last vacuum (60-130 ms claims seen while forwarding ~9 000 events/s). Tasks whose
      // lease lapsed are found by reading the table, every half lease.
      R"sql(
        DROP INDEX delivery_tasks_due;
        CREATE INDEX delivery_tasks_waiting ON delivery_tasks(next_attempt_at)
          WHERE lease_owner = '';
      )sql",
  };
  return migrations;
}

int CurrentVersion(Connection& connection) {
  connection.ExecScript(
      "CREATE TABLE IF NOT EXISTS rehook_schema (version BIGINT NOT NULL);"
      "INSERT INTO rehook_schema SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM rehook_schema)");
  Result result = connection.Exec("SELECT version FROM rehook_schema");
  return static_cast<int>(result.row(0).Int64(0));
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

void MigrateToLatest(Connection& connection) { MigrateTo(connection, LatestSchemaVersion()); }

void MigrateTo(Connection& connection, int target) {
  Transaction transaction(connection);
  connection.ExecScript(kMigrationLock);
  int version = CurrentVersion(connection);
  if (version > LatestSchemaVersion()) {
    throw StoreError("the database schema (version " + std::to_string(version) +
                     ") is newer than this rehook (version " +
                     std::to_string(LatestSchemaVersion()) + "); upgrade rehook");
  }
  // All pending migrations in one transaction: a node that fails midway leaves nothing behind.
  const auto& migrations = Migrations();
  if (version >= target) return;
  for (int next = version + 1; next <= target; ++next) {
    const auto started = std::chrono::steady_clock::now();
    connection.ExecScript(migrations[static_cast<size_t>(next - 1)]);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    // An upgrade of a large database takes a while (15 reads each big table once): the log
    // says why. Applied, to be committed with the rest; a new database's steps are not logged.
    if (version > 0) log::Info("store.migrated", {{"schema_version", next}, {"ms", took.count()}});
  }
  connection.Exec("UPDATE rehook_schema SET version = $1", Params(target));
  transaction.Commit();
}

}  // namespace rehook::pg
