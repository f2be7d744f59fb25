#include "store/sqlite/sqlite_schema.h"

#include <chrono>
#include <string>
#include <vector>

#include "common/log.h"
#include "store/shared_state_sql.h"

namespace rehook::sqlite {
namespace {

// Append new migrations at the end; never edit one that has shipped.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> migrations = {
      // 1: organizations, keys, sessions, sources, events.
      R"sql(
        CREATE TABLE organizations (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          retention_days INTEGER NOT NULL DEFAULT 30,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX organizations_by_time ON organizations(created_at, id);

        CREATE TABLE api_keys (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          name TEXT NOT NULL,
          role TEXT NOT NULL,
          key_hash BLOB NOT NULL UNIQUE,
          key_prefix TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX api_keys_by_org ON api_keys(org_id, created_at, id);

        CREATE TABLE sessions (
          token_hash BLOB PRIMARY KEY,
          key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        );
        CREATE INDEX sessions_by_key ON sessions(key_id);

        CREATE TABLE sources (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          name TEXT NOT NULL,
          config TEXT NOT NULL DEFAULT '{}',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX sources_by_org ON sources(org_id, created_at, id);

        -- The body is the last column so that reading metadata never touches its overflow pages.
        CREATE TABLE events (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          org_id TEXT NOT NULL,
          source_id TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          method TEXT NOT NULL,
          path TEXT NOT NULL,
          query TEXT NOT NULL,
          headers BLOB NOT NULL,
          client_ip TEXT NOT NULL,
          size INTEGER NOT NULL,
          verified INTEGER NOT NULL,
          body BLOB NOT NULL
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
          timeout_ms INTEGER NOT NULL,
          headers BLOB NOT NULL,
          secret TEXT NOT NULL,
          rate_limit INTEGER,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX destinations_by_org ON destinations(org_id, created_at, id);

        CREATE TABLE connections (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL,
          source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
          destination_id TEXT NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
          filter TEXT NOT NULL,
          enabled INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
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
          attempts INTEGER NOT NULL,
          next_attempt_at INTEGER NOT NULL,
          lease_owner TEXT NOT NULL,
          lease_until INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX delivery_tasks_due ON delivery_tasks(next_attempt_at);
        CREATE INDEX delivery_tasks_by_connection ON delivery_tasks(connection_id);
        CREATE INDEX delivery_tasks_by_destination ON delivery_tasks(destination_id);

        CREATE TABLE delivery_attempts (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL,
          org_id TEXT NOT NULL,
          event_id TEXT NOT NULL,
          destination_id TEXT NOT NULL,
          connection_id TEXT,
          replay_job_id TEXT,
          attempt INTEGER NOT NULL,
          status_code INTEGER,
          response_time_ms INTEGER,
          success INTEGER NOT NULL,
          error TEXT NOT NULL,
          next_retry_at INTEGER,
          created_at INTEGER NOT NULL
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
          range_from INTEGER NOT NULL,
          range_to INTEGER NOT NULL,
          rate_limit INTEGER NOT NULL,
          max_events INTEGER NOT NULL,
          status TEXT NOT NULL,
          status_reason TEXT NOT NULL,
          total INTEGER NOT NULL,
          processed INTEGER NOT NULL,
          succeeded INTEGER NOT NULL,
          failed INTEGER NOT NULL,
          cursor_time INTEGER,
          cursor_id TEXT,
          created_at INTEGER NOT NULL,
          started_at INTEGER NOT NULL,
          completed_at INTEGER,
          expires_at INTEGER,
          lease_owner TEXT NOT NULL,
          lease_until INTEGER NOT NULL
        );
        CREATE INDEX replay_jobs_by_org ON replay_jobs(org_id, created_at, id);
        CREATE INDEX replay_jobs_active ON replay_jobs(status)
          WHERE status IN ('running', 'paused');
        CREATE INDEX replay_jobs_expiry ON replay_jobs(expires_at) WHERE expires_at IS NOT NULL;
        CREATE INDEX delivery_attempts_by_job ON delivery_attempts(replay_job_id)
          WHERE replay_job_id IS NOT NULL;

        CREATE TABLE single_replays (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL,
          org_id TEXT NOT NULL,
          source_id TEXT NOT NULL,
          event_id TEXT NOT NULL,
          target_url TEXT NOT NULL,
          status_code INTEGER,
          response_time_ms INTEGER,
          success INTEGER NOT NULL,
          error TEXT NOT NULL,
          created_at INTEGER NOT NULL
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
          seen_at INTEGER NOT NULL,
          PRIMARY KEY (source_id, key_hash)
        ) WITHOUT ROWID;
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
        ALTER TABLE destinations ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
        -- (The last earlier attempt of an event is found through delivery_attempts_by_event:
        -- an event has a handful of attempts.)
      )sql",
      // 8: the first bytes of what the consumer answered, kept with each attempt and replay.
      R"sql(
        ALTER TABLE delivery_attempts ADD COLUMN response_body BLOB;
        ALTER TABLE single_replays ADD COLUMN response_body BLOB;
      )sql",
      // 9: slimmer event indexes, so that a group commit rewrites fewer index pages. `id` loses
      // its unique index: an event id begins with its received_at (common/ids.h), so the event
      // is found through events_by_org_time. The time indexes end with the rowid (seq)
      // implicitly instead of the 30-byte id; pages still come out by (received_at, id), SQLite
      // sorting each millisecond's few events. The table is rebuilt because the UNIQUE
      // constraint's index cannot be dropped on its own.
      R"sql(
        CREATE TABLE events_v9 (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL,
          org_id TEXT NOT NULL,
          source_id TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          method TEXT NOT NULL,
          path TEXT NOT NULL,
          query TEXT NOT NULL,
          headers BLOB NOT NULL,
          client_ip TEXT NOT NULL,
          size INTEGER NOT NULL,
          verified INTEGER NOT NULL,
          body BLOB NOT NULL
        );
        INSERT INTO events_v9 (seq, id, org_id, source_id, received_at, method, path, query,
                               headers, client_ip, size, verified, body)
          SELECT seq, id, org_id, source_id, received_at, method, path, query, headers,
                 client_ip, size, verified, body FROM events ORDER BY seq;
        DROP TABLE events;
        ALTER TABLE events_v9 RENAME TO events;
        CREATE INDEX events_by_org_time ON events(org_id, received_at);
        CREATE INDEX events_by_source_time ON events(source_id, received_at);
      )sql",
      // 10: recovering what failed. Destinations may have a retry policy of their own (NULL
      // attempts: the server's schedule). Each attempt names what made it; replay jobs may send
      // only
      // the events that failed or were never delivered, judged by delivery_standings: one row
      // per event and destination with the latest result and whether any attempt succeeded,
      // kept with every attempt (one indexed step per event, however many attempts it had).
      // Filled here from the attempts logged so far.
      R"sql(
        ALTER TABLE delivery_attempts ADD COLUMN trigger_kind TEXT;
        ALTER TABLE replay_jobs ADD COLUMN only_kind TEXT NOT NULL DEFAULT 'all';
        ALTER TABLE destinations ADD COLUMN retry_attempts INTEGER;
        ALTER TABLE destinations ADD COLUMN retry_backoff TEXT;
        ALTER TABLE destinations ADD COLUMN retry_interval_ms INTEGER;
        CREATE TABLE delivery_standings (
          event_id TEXT NOT NULL,
          destination_id TEXT NOT NULL,
          org_id TEXT NOT NULL,
          last_success INTEGER NOT NULL,
          ever_succeeded INTEGER NOT NULL,
          last_attempt_at INTEGER NOT NULL,
          PRIMARY KEY (event_id, destination_id)
        ) WITHOUT ROWID;
        INSERT INTO delivery_standings (event_id, destination_id, org_id, last_success,
                                        ever_succeeded, last_attempt_at)
          SELECT event_id, destination_id, org_id,
                 (SELECT latest.success FROM delivery_attempts latest
                   WHERE latest.event_id = a.event_id
                     AND latest.destination_id = a.destination_id
                   ORDER BY latest.seq DESC LIMIT 1),
                 MAX(success), MAX(created_at)
            FROM delivery_attempts a GROUP BY event_id, destination_id;
      )sql",
      // 11: transformations: users' scripts, which a connection (and a replay job) may apply.
      // An attempt records the script that ran, how long it took, whether it skipped the
      // delivery, and what was sent after it (JSON: method, URL, headers, the body's first
      // bytes); all NULL (skipped 0) for attempts without a transformation.
      R"sql(
        CREATE TABLE transformations (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          name TEXT NOT NULL,
          code TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX transformations_by_org ON transformations(org_id, created_at, id);
        ALTER TABLE connections ADD COLUMN transformation_id TEXT;
        CREATE INDEX connections_by_transformation ON connections(transformation_id);
        ALTER TABLE replay_jobs ADD COLUMN transformation_id TEXT;
        ALTER TABLE delivery_attempts ADD COLUMN transformation_id TEXT;
        ALTER TABLE delivery_attempts ADD COLUMN transformation_us INTEGER;
        ALTER TABLE delivery_attempts ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE delivery_attempts ADD COLUMN sent_request TEXT;
      )sql",
      // 12: traffic rollups (domain/traffic.h, store/traffic_rollup.h), written with each batch:
      // per bucket (a minute or an hour), source, destination ('' for capture) and latency class
      // (-1: no response), the events captured or routed and the attempts delivered or failed.
      // `shard` is the writer's (see PgEventLog; always 0 here). Traffic from before this
      // migration is not rolled up: the series begin at the upgrade.
      R"sql(
        CREATE TABLE traffic_rollups (
          org_id TEXT NOT NULL,
          bucket_ms INTEGER NOT NULL,
          t INTEGER NOT NULL,
          source_id TEXT NOT NULL,
          destination_id TEXT NOT NULL,
          latency_class INTEGER NOT NULL,
          shard INTEGER NOT NULL,
          captured INTEGER NOT NULL,
          delivered INTEGER NOT NULL,
          failed INTEGER NOT NULL,
          PRIMARY KEY (org_id, bucket_ms, t, source_id, destination_id, latency_class, shard)
        ) WITHOUT ROWID;
      )sql",
      // 13: notification channels (domain/notification.h): a URL, the kinds it wants (names,
      // comma-separated), json or slack, and a Standard Webhooks secret ('' for none).
      R"sql(
        CREATE TABLE notification_channels (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          url TEXT NOT NULL,
          kinds TEXT NOT NULL,
          format TEXT NOT NULL,
          secret TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX notification_channels_by_org ON notification_channels(org_id, created_at, id);
        -- Auto-disable (domain/destination.h): the window, and the first failure since the
        -- latest success (kept with each group commit).
        ALTER TABLE destinations ADD COLUMN disable_after_ms INTEGER;
        ALTER TABLE destinations ADD COLUMN failing_since INTEGER;
      )sql",
      // 14: failed-only replays find their events from the standings side: each standing keeps
      // its event's received_at, and a partial index holds the standings whose last attempt
      // failed, per destination in event order (replay/replay_scope.h), so a failed-only dry run
      // reads the failures of its range instead of judging every event of it. Events that were
      // delivered cost the index nothing. received_at is read from the event id's first ten
      // characters (common/ids.h: base32 milliseconds, which the store requires of every event),
      // so the upgrade reads the standings only, not the events.
      R"sql(
        ALTER TABLE delivery_standings ADD COLUMN received_at INTEGER NOT NULL DEFAULT 0;
        UPDATE delivery_standings SET received_at =
            (instr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(event_id, 5, 1)) - 1) * 35184372088832 +
            (instr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(event_id, 6, 1)) - 1) * 1099511627776 +
            (instr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(event_id, 7, 1)) - 1) * 34359738368 +
            (instr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(event_id, 8, 1)) - 1) * 1073741824 +
            (instr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(event_id, 9, 1)) - 1) * 33554432 +
            (instr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(event_id, 10, 1)) - 1) * 1048576 +
            (instr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(event_id, 11, 1)) - 1) * 32768 +
            (instr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(event_id, 12, 1)) - 1) * 1024 +
            (instr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(event_id, 13, 1)) - 1) * 32 +
            (instr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(event_id, 14, 1)) - 1) * 1;
        CREATE INDEX delivery_standings_failed
          ON delivery_standings(destination_id, received_at, event_id) WHERE NOT last_success;
      )sql",
      // 15: delivery tasks keyed (connection_id, id) in the table itself, with one index (due
      // time). A forwarded event inserts its task in one group commit and deletes it in another,
      // and each b-tree the task is in costs every such commit a 16 KiB WAL frame: the rowid
      // table, its id index and three more indexes were 5 of a forwarding commit's ~20 frames,
      // now 2. A connection's tasks are a range of the key; a destination's are read from the
      // whole table (pending deliveries only): a task keeps its destination when its connection
      // is pointed elsewhere.
      R"sql(
        CREATE TABLE delivery_tasks_v15 (
          id TEXT NOT NULL,
          org_id TEXT NOT NULL,
          event_id TEXT NOT NULL,
          destination_id TEXT NOT NULL,
          connection_id TEXT NOT NULL,
          attempts INTEGER NOT NULL,
          next_attempt_at INTEGER NOT NULL,
          lease_owner TEXT NOT NULL,
          lease_until INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (connection_id, id)
        ) WITHOUT ROWID;
        INSERT INTO delivery_tasks_v15 (id, org_id, event_id, destination_id, connection_id,
                                        attempts, next_attempt_at, lease_owner, lease_until,
                                        created_at)
          SELECT id, org_id, event_id, destination_id, connection_id, attempts, next_attempt_at,
                 lease_owner, lease_until, created_at FROM delivery_tasks;
        DROP TABLE delivery_tasks;
        ALTER TABLE delivery_tasks_v15 RENAME TO delivery_tasks;
        CREATE INDEX delivery_tasks_due ON delivery_tasks(next_attempt_at);
      )sql",
      // 16: only tasks no node holds are indexed by due time. A live delivery is leased to its
      // node from its capture until its outcome deletes it, so it no longer costs the two
      // commits it lives in an index page each; the poller finds retries through this index
      // and tasks whose lease lapsed by reading the table, every half lease
      // (WorkLeases::ClaimLapsedTasks).
      R"sql(
        DROP INDEX delivery_tasks_due;
        CREATE INDEX delivery_tasks_waiting ON delivery_tasks(next_attempt_at)
          WHERE lease_owner = '';
      )sql",
  };
  return migrations;
}

int CurrentVersion(Database& connection) {
  auto statement = connection.Prepare("PRAGMA user_version");
  statement->Step();
  return static_cast<int>(statement->Int64(0));
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

void MigrateToLatest(Database& connection) { MigrateTo(connection, LatestSchemaVersion()); }

void MigrateTo(Database& connection, int target) {
  int version = CurrentVersion(connection);
  if (version > LatestSchemaVersion()) {
    throw StoreError("the database schema (version " + std::to_string(version) +
                     ") is newer than this rehook (version " +
                     std::to_string(LatestSchemaVersion()) + "); upgrade rehook");
  }
  const auto& migrations = Migrations();
  for (int next = version + 1; next <= target && next <= LatestSchemaVersion(); ++next) {
    // Some migrations rewrite a whole table (9: events): on a large database the first start
    // after an upgrade takes a while, and the log says why.
    const auto started = std::chrono::steady_clock::now();
    Transaction transaction(connection);
    connection.Exec(migrations[static_cast<size_t>(next - 1)]);
    connection.Exec("PRAGMA user_version=" + std::to_string(next));
    transaction.Commit();
    if (version > 0) {
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      log::Info("store.migrated", {{"schema_version", next}, {"ms", took.count()}});
    }
  }
}

}  // namespace rehook::sqlite
