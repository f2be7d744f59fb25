// The Store contract, run against every implementation (the same tests for SQLite and, where a
// PostgreSQL server is available, PostgreSQL).
#include "store/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "auth/secrets.h"
#include "common/ids.h"
#include "store/header_codec.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_days.h"
#include "store/postgres/pg_schema.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_schema.h"
#include "store/sqlite/sqlite_store.h"
#include "unit/store_fixture.h"

namespace rehook {
namespace {

TEST_P(StoreTest, BootstrapHappensOnlyOnAnEmptyStore) {
  // SetUp already created an organization, so a bootstrap must not.
  ApiKey key{NewId("key", 1), org_.id, "k", Role::super_admin, HashSecret("x"), "rhk_", 1};
  Organization other{NewId("org", 1), "other", 30, 1};
  EXPECT_FALSE(store_->tenancy().BootstrapFirstOrganization(other, key));
  EXPECT_FALSE(store_->tenancy().GetOrganization(other.id).has_value());
}

TEST_P(StoreTest, OrganizationsCanBeRenamedAndTheirRetentionChanged) {
  Organization changed = org_;
  changed.name = "acme corp";
  changed.retention_days = 7;
  EXPECT_TRUE(store_->tenancy().UpdateOrganization(changed));
  auto loaded = store_->tenancy().GetOrganization(org_.id);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->name, "acme corp");
  EXPECT_EQ(loaded->retention_days, 7);
  EXPECT_EQ(loaded->created_at, org_.created_at);
  changed.id = "org_missing";
  EXPECT_FALSE(store_->tenancy().UpdateOrganization(changed));
}

TEST_P(StoreTest, FindsKeysByHashAndDeletesThemWithTheirSessions) {
  ApiKey key{NewId("key", 2000),     org_.id, "ci", Role::developer,
             HashSecret("secret-1"), "rhk_1", 2000};
  store_->tenancy().InsertApiKey(key);
  auto found = store_->tenancy().FindApiKeyByHash(HashSecret("secret-1"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, key.id);
  EXPECT_EQ(found->role, Role::developer);
  EXPECT_FALSE(store_->tenancy().FindApiKeyByHash(HashSecret("secret-2")).has_value());

  store_->tenancy().InsertSession(Session{HashSecret("token"), key.id, 2000, 5000}, 10);
  EXPECT_TRUE(store_->tenancy().FindSessionKey(HashSecret("token"), 4999).has_value());
  EXPECT_FALSE(store_->tenancy().FindSessionKey(HashSecret("token"), 5000).has_value());  // expired

  EXPECT_FALSE(store_->tenancy().DeleteApiKey("org_other", key.id));  // another org cannot
  EXPECT_TRUE(store_->tenancy().DeleteApiKey(org_.id, key.id));
  EXPECT_FALSE(store_->tenancy().FindApiKeyByHash(HashSecret("secret-1")).has_value());
  EXPECT_FALSE(store_->tenancy().FindSessionKey(HashSecret("token"), 3000).has_value());
}

TEST_P(StoreTest, SourcesAreScopedToTheirOrganization) {
  Organization other{NewId("org", 1001), "other", 30, 1001};
  store_->tenancy().InsertOrganization(other);
  Source mine = MakeSource(org_.id, 3000);
  EXPECT_TRUE(store_->configuration().GetSource(org_.id, mine.id).has_value());
  EXPECT_FALSE(store_->configuration().GetSource(other.id, mine.id).has_value());
  EXPECT_TRUE(store_->configuration().FindSourceForCapture(mine.id).has_value());
  EXPECT_TRUE(store_->configuration().ListSources(other.id, {}).items.empty());

  mine.name = "renamed";
  mine.org_id = other.id;
  EXPECT_FALSE(store_->configuration().UpdateSource(mine));  // cannot update through another org
  mine.org_id = org_.id;
  EXPECT_TRUE(store_->configuration().UpdateSource(mine));
  EXPECT_EQ(store_->configuration().GetSource(org_.id, mine.id)->name, "renamed");
  EXPECT_FALSE(store_->configuration().DeleteSource(other.id, mine.id));
  EXPECT_TRUE(store_->configuration().DeleteSource(org_.id, mine.id));
  EXPECT_FALSE(store_->configuration().FindSourceForCapture(mine.id).has_value());
}

TEST_P(StoreTest, EventsRoundTripExactly) {
  Source source = MakeSource(org_.id, 3000);
  std::string binary("\x00\xff\xfe binary \r\n\x80", 14);
  Event event = MakeEvent(source, 4000, binary);
  Append({event});

  auto loaded = store_->events().GetEvent(org_.id, event.id, true);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->body, binary);
  EXPECT_EQ(loaded->size, 14);
  EXPECT_EQ(loaded->query, "a=1");
  ASSERT_EQ(loaded->headers.size(), 3u);
  EXPECT_EQ(loaded->headers[2].name, "X-Dup");
  EXPECT_EQ(loaded->headers[2].value, "2");

  auto without_body = store_->events().GetEvent(org_.id, event.id, false);
  ASSERT_TRUE(without_body);
  EXPECT_TRUE(without_body->body.empty());
  EXPECT_FALSE(store_->events().GetEvent("org_other", event.id, true).has_value());
}

TEST_P(StoreTest, CommittedEventsComeInCommitOrderAfterAPosition) {
  Source a = MakeSource(org_.id, 3000);
  Source b = MakeSource(org_.id, 3001);
  Organization other{NewId("org", 1001), "globex", 30, 1001};
  store_->tenancy().InsertOrganization(other);
  Source foreign = MakeSource(other.id, 3002);
  // On PostgreSQL a commit is settled (LatestPosition is past it, streams may show it) once no
  // older transaction of the cluster is still open, and the tests of other databases on the
  // test cluster hold some open for a moment: wait for that where the test relies on it.
  auto settle = [&](const std::string& event_id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (store_->events().PositionOf(org_.id, event_id)->commit >
               store_->events().LatestPosition().commit &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  const Event before_stream = MakeEvent(a, 1000);
  Append({before_stream});
  settle(before_stream.id);
  auto committed = [&](std::optional<std::string> org_id, std::optional<std::string> source_id,
                       CommitPosition after, int limit = 200, bool with_bodies = true) {
    CommittedQuery query;
    query.org_id = std::move(org_id);
    query.source_id = std::move(source_id);
    query.after = std::move(after);
    query.limit = limit;
    query.with_bodies = with_bodies;
    return store_->events().ListCommittedAfter(query);
  };

  const CommitPosition start = store_->events().LatestPosition();
  EXPECT_TRUE(committed(org_.id, std::nullopt, start).empty());
  // Two commits; the second holds an event received earlier than the first's: commit order,
  // not arrival order, is what a stream follows.
  std::vector<Event> first = {MakeEvent(a, 20000, "first-1"), MakeEvent(b, 20010, "first-2"),
                              MakeEvent(foreign, 20020)};
  std::vector<Event> second = {MakeEvent(a, 15000, "second-1"), MakeEvent(b, 25000, "second-2")};
  Append(first);
  Append(second);
  settle(second.back().id);  // the later commit: the earlier one is settled with it

  std::vector<CommittedEvent> all;
  CommitPosition after = start;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = committed(org_.id, std::nullopt, after, 2);
    all.insert(all.end(), page.begin(), page.end());
    if (page.size() < 2) break;
    after = page.back().position;
  }
  ASSERT_EQ(all.size(), 4u);
  std::set<std::string> first_commit = {all[0].event.id, all[1].event.id};
  std::set<std::string> second_commit = {all[2].event.id, all[3].event.id};
  EXPECT_EQ(first_commit, (std::set<std::string>{first[0].id, first[1].id}));
  EXPECT_EQ(second_commit, (std::set<std::string>{second[0].id, second[1].id}));
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].position, all[i].position);
  EXPECT_EQ(all[2].event.body.substr(0, 6), "second");  // bodies when asked for

  // A position found by id continues after that event; another org's event has none.
  auto position = store_->events().PositionOf(org_.id, all[1].event.id);
  ASSERT_TRUE(position.has_value());
  EXPECT_EQ(*position, all[1].position);
  auto rest = committed(org_.id, b.id, *position, 200, false);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].event.id, second[1].id);
  EXPECT_TRUE(rest[0].event.body.empty());
  EXPECT_FALSE(store_->events().PositionOf(org_.id, first[2].id).has_value());
  // Every organization's, for the node's feed; nothing after the latest position.
  EXPECT_EQ(committed(std::nullopt, std::nullopt, start).size(), 5u);
  EXPECT_TRUE(committed(std::nullopt, std::nullopt, store_->events().LatestPosition()).empty());
}

TEST_P(StoreTest, ListsEventsNewestFirstWithCursorAndTimeBounds) {
  Source a = MakeSource(org_.id, 3000);
  Source b = MakeSource(org_.id, 3001);
  std::vector<Event> events;
  for (int i = 0; i < 25; ++i) events.push_back(MakeEvent(i % 2 ? a : b, 10000 + i * 10));
  // Two events at the same instant: ties are ordered by id.
  events.push_back(MakeEvent(a, 10000 + 240));
  Append(events);

  EventQuery query;
  query.org_id = org_.id;
  query.page.limit = 7;
  const std::vector<Event> seen = ListAll(query);
  ASSERT_EQ(seen.size(), events.size());
  for (size_t i = 1; i < seen.size(); ++i) {
    bool ordered = seen[i - 1].received_at > seen[i].received_at ||
                   (seen[i - 1].received_at == seen[i].received_at && seen[i - 1].id > seen[i].id);
    EXPECT_TRUE(ordered) << i;
  }

  EventQuery bounded;
  bounded.org_id = org_.id;
  bounded.source_id = a.id;
  bounded.from = 10050;
  bounded.to = 10150;  // inclusive
  auto page = store_->events().ListEvents(bounded);
  for (const auto& event : page.items) {
    EXPECT_EQ(event.source_id, a.id);
    EXPECT_GE(event.received_at, 10050);
    EXPECT_LE(event.received_at, 10150);
  }
  // Source a has the odd i: 10050, 10070, 10090, 10110, 10130 and 10150 (the bound is inclusive).
  EXPECT_EQ(page.items.size(), 6u);
  EXPECT_FALSE(page.next.has_value());

  EventQuery other_org;
  other_org.org_id = "org_other";
  EXPECT_TRUE(store_->events().ListEvents(other_org).items.empty());
}

TEST_P(StoreTest, AppendIsAllOrNothing) {
  Source source = MakeSource(org_.id, 3000);
  Event misdated = MakeEvent(source, 5000);
  misdated.received_at = 6000;  // its id says 5000: refused (ids carry their time)
  EXPECT_THROW(Append({MakeEvent(source, 5001), MakeEvent(source, 5002), misdated}), StoreError);
  EventQuery query;
  query.org_id = org_.id;
  EXPECT_TRUE(store_->events().ListEvents(query).items.empty());
}

TEST_P(StoreTest, FindsPagesAndErasesEachOfManyEventsOfOneMillisecond) {
  Source source = MakeSource(org_.id, 3000);
  std::vector<Event> events;
  for (int i = 0; i < 40; ++i) events.push_back(MakeEvent(source, 7000));
  events.push_back(MakeEvent(source, 6999));
  events.push_back(MakeEvent(source, 7001));
  Append(events);

  for (const Event& event : events) {
    auto loaded = store_->events().GetEvent(org_.id, event.id, false);
    ASSERT_TRUE(loaded) << event.id;
    EXPECT_EQ(loaded->id, event.id);
    EXPECT_EQ(loaded->received_at, event.received_at);
  }
  EXPECT_FALSE(
      store_->events().GetEvent(org_.id, NewId("evt", 7000), false));  // same instant, unknown
  EXPECT_FALSE(store_->events().GetEvent(org_.id, "evt_notanid", false));
  EXPECT_FALSE(store_->events().GetEvent("org_other", events[3].id, false));

  EventQuery query;
  query.org_id = org_.id;
  query.page.limit = 7;
  std::vector<std::string> expected = IdsOf(events);
  // Newest first, ties by id descending; ids sort by their time, so that is id order overall.
  std::sort(expected.rbegin(), expected.rend());
  EXPECT_EQ(IdsOf(ListAll(query)), expected);

  EXPECT_FALSE(store_->events().DeleteEvent("org_other", events[17].id));
  EXPECT_TRUE(store_->events().DeleteEvent(org_.id, events[17].id));
  EXPECT_FALSE(store_->events().GetEvent(org_.id, events[17].id, false));
  EXPECT_FALSE(store_->events().DeleteEvent(org_.id, events[17].id));
  EXPECT_TRUE(store_->events().GetEvent(org_.id, events[18].id, false));
  EXPECT_FALSE(store_->events().DeleteEvent(org_.id, "evt_notanid"));
}

// Listings over many days read the same on both engines (PostgreSQL reads them in windows of
// days, sql/time_windows.h): newest first with a cursor, with and without `from`, and a
// replay's range oldest first.
TEST_P(StoreTest, ListsEventsSpreadOverManyDaysInOrder) {
  constexpr TimeMs kDay = 86'400'000;
  const TimeMs now = SystemClock().Now();
  store_->events().PrepareDays(now);
  Source source = MakeSource(org_.id, 3000);
  std::vector<Event> events;
  for (int days_ago : {0, 0, 1, 3, 9, 40, 100, 400})
    events.push_back(MakeEvent(source, now - days_ago * kDay - 1000));
  Append(events);
  std::vector<std::string> ids = IdsOf(events);
  std::sort(ids.begin(), ids.end());  // ids sort by their time

  const auto list = [&](std::optional<TimeMs> from) {
    EventQuery query;
    query.org_id = org_.id;
    query.from = from;
    query.page.limit = 3;
    return IdsOf(ListAll(query));
  };
  EXPECT_EQ(list(std::nullopt), std::vector<std::string>(ids.rbegin(), ids.rend()));
  EXPECT_EQ(list(now - 50 * kDay), std::vector<std::string>(ids.rbegin(), ids.rbegin() + 6));

  std::vector<std::string> replayed;
  ReplayRange range{org_.id, std::nullopt, now - 500 * kDay, now, std::nullopt,
                    3,       false,        std::nullopt};
  for (int pages = 0; pages < 10; ++pages) {
    auto page = store_->events().ListEventsForReplay(range);
    for (const Event& event : page) replayed.push_back(event.id);
    if (page.empty()) break;
    range.after = Cursor{page.back().received_at, page.back().id};
  }
  EXPECT_EQ(replayed, ids);
}

// A store opened again on the database it filled (its migration to the latest schema finding
// nothing to do) serves everything it held, the way the store layer is upgraded in place.
TEST_P(StoreTest, ReopenedOnItsFilledDatabaseServesEverythingItHeld) {
  const ApiKey key{NewId("key", 1500), org_.id, "k", Role::admin, HashSecret("s"), "rhk_", 1500};
  store_->tenancy().InsertApiKey(key);
  const Source source = MakeSource(org_.id, 2000);
  Destination destination;
  destination.id = NewId("dst", 2100);
  destination.org_id = org_.id;
  destination.name = "d";
  destination.url = "https://example.com/hook";
  destination.headers = {{"X-Token", "t"}};
  destination.rate_limit = 5;
  destination.created_at = destination.updated_at = 2100;
  store_->configuration().InsertDestination(destination);
  const Connection connection{.id = NewId("con", 2200),
                              .org_id = org_.id,
                              .source_id = source.id,
                              .destination_id = destination.id,
                              .filter_json = "",
                              .transformation_id = "",
                              .created_at = 2200,
                              .updated_at = 2200};
  store_->configuration().InsertConnection(connection);
  const Event event = MakeEvent(source, 3000, "body");
  const DeliveryTask task{
      NewId("tsk", 3000), org_.id, event.id, destination.id, connection.id, 0, 3000, "", 0, 3000};
  WriteBatch batch;
  batch.events.push_back({std::make_shared<Event>(event), {task}, std::nullopt});
  store_->events().ApplyBatch(batch);
  store_->events().SyncBatches();

  store_.reset();
  store_ = GetParam().open(scratch_);

  EXPECT_EQ(store_->tenancy().GetOrganization(org_.id)->name, org_.name);
  EXPECT_EQ(store_->tenancy().FindApiKeyByHash(key.key_hash)->id, key.id);
  EXPECT_EQ(store_->configuration().GetSource(org_.id, source.id)->name, source.name);
  auto loaded = store_->configuration().GetDestination(org_.id, destination.id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->rate_limit, 5);
  ASSERT_EQ(loaded->headers.size(), 1u);
  EXPECT_EQ(loaded->headers[0].value, "t");
  EXPECT_EQ(store_->configuration().ListConnectionsOfSource(source.id).size(), 1u);
  EXPECT_EQ(store_->events().GetEvent(org_.id, event.id, true)->body, "body");
  auto claimed = store_->work().ClaimDueTasks(3000, "node", 9000, 10);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, task.id);
}

// A database an older rehook wrote (schema 8: a unique index on events.id) keeps its events
// through migration 9, which rebuilds the table without that index.
TEST(SqliteStoreTest, EventsOfSchema8AreFoundListedAndErasedAfterTheUpgrade) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/old.db";
  std::vector<std::string> ids;
  {
    sqlite::Database old(path);
    sqlite::MigrateTo(old, 8);
    old.Exec(
        "INSERT INTO organizations (id, name, retention_days, created_at) "
        "VALUES ('org_1', 'o', 30, 1)");
    old.Exec(
        "INSERT INTO sources (id, org_id, name, config, created_at, updated_at) "
        "VALUES ('src_1', 'org_1', 's', '{}', 1, 1)");
    auto insert = old.Prepare(
        "INSERT INTO events (id, org_id, source_id, received_at, method, path, query, headers, "
        "client_ip, size, verified, body) VALUES (?1, 'org_1', 'src_1', ?2, 'POST', '/', '', "
        "?3, '127.0.0.1', 2, 1, ?4)");
    const std::string headers = EncodeHeaders({{"X-A", "1"}});
    for (TimeMs at : {5000, 5000, 5000, 6000, 7000}) {
      ids.push_back(NewId("evt", at));
      insert->BindAll(ids.back(), at, sqlite::Blob{headers}, sqlite::Blob{"{}"});
      insert->Run();
      insert->Reset();
    }
  }

  SqliteStore store(path);
  for (const std::string& id : ids) {
    auto event = store.events().GetEvent("org_1", id, true);
    ASSERT_TRUE(event) << id;
    EXPECT_EQ(event->body, "{}");
    ASSERT_EQ(event->headers.size(), 1u);
    EXPECT_EQ(event->headers[0].value, "1");
  }
  EventQuery query;
  query.org_id = "org_1";
  EXPECT_EQ(store.events().ListEvents(query).items.size(), ids.size());
  EXPECT_TRUE(store.events().DeleteEvent("org_1", ids[1]));
  EXPECT_FALSE(store.events().GetEvent("org_1", ids[1], false));
  EXPECT_EQ(store.events().ListEvents(query).items.size(), ids.size() - 1);

  sqlite::Database check(path);
  auto indexes = check.Prepare(
      "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
      "WHERE type = 'index' AND tbl_name = 'events' ORDER BY name)");
  ASSERT_TRUE(indexes->Step());
  EXPECT_EQ(indexes->Text(0), "events_by_org_time,events_by_source_time");
}

// Attempts an older rehook logged (schema 9: no triggers, no standings) keep counting after the
// upgrade: migration 10 folds them into each event's standing, and their triggers are read
// from their other fields.
TEST(SqliteStoreTest, AttemptsOfSchema9AreFoldedIntoStandingsByTheUpgrade) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/old.db";
  const std::string event = NewId("evt", 5000);
  {
    sqlite::Database old(path);
    sqlite::MigrateTo(old, 9);
    auto insert = old.Prepare(
        "INSERT INTO delivery_attempts (id, org_id, event_id, destination_id, connection_id, "
        "replay_job_id, attempt, success, error, created_at) VALUES (?1, 'org_1', ?2, ?3, ?4, "
        "?5, ?6, ?7, '', ?8)");
    auto attempt = [&](const char* destination, std::optional<std::string> job, int number,
                       bool success, TimeMs at) {
      std::optional<std::string> connection;
      if (!job) connection = "con_1";
      insert->BindAll(NewId("del", at), event, destination, connection, job, number, success, at);
      insert->Run();
      insert->Reset();
    };
    attempt("dst_a", std::nullopt, 1, false, 6000);  // forwarded: failed,
    attempt("dst_a", std::nullopt, 2, true, 7000);   // retried: delivered,
    attempt("dst_a", "job_1", 1, false, 8000);       // replayed: failed
    attempt("dst_b", std::nullopt, 1, false, 6001);  // never delivered to b
  }
  SqliteStore store(path);
  auto at_a = store.events().StandingsAtDestination("org_1", "dst_a", {event});
  ASSERT_EQ(at_a.size(), 1u);
  EXPECT_FALSE(at_a.at(event).last_succeeded);
  EXPECT_TRUE(at_a.at(event).ever_succeeded);
  auto at_b = store.events().StandingsAtDestination("org_1", "dst_b", {event});
  ASSERT_EQ(at_b.size(), 1u);
  EXPECT_FALSE(at_b.at(event).ever_succeeded);

  std::vector<AttemptTrigger> triggers;
  for (const auto& attempt : store.events().ListAttemptsOfEvent("org_1", event)) {
    triggers.push_back(attempt.trigger);
  }
  EXPECT_EQ(triggers,
            (std::vector<AttemptTrigger>{AttemptTrigger::forward, AttemptTrigger::retry,
                                         AttemptTrigger::replay, AttemptTrigger::forward}));
}

// Standings an older rehook kept (schema 13: no received_at) are found by a failed-only walk
// after the upgrade: migration 14 reads each one's time from its event id.
TEST(SqliteStoreTest, StandingsOfSchema13AreWalkedInEventOrderAfterTheUpgrade) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/old.db";
  const TimeMs now = 1764000000123;  // every character of the id's time in use
  std::vector<std::string> failed;
  {
    sqlite::Database old(path);
    sqlite::MigrateTo(old, 13);
    old.Exec(
        "INSERT INTO organizations (id, name, retention_days, created_at) "
        "VALUES ('org_1', 'o', 30, 1)");
    old.Exec(
        "INSERT INTO sources (id, org_id, name, config, created_at, updated_at) "
        "VALUES ('src_1', 'org_1', 's', '{}', 1, 1)");
    auto event = old.Prepare(
        "INSERT INTO events (id, org_id, source_id, received_at, method, path, query, headers, "
        "client_ip, size, verified, body) VALUES (?1, 'org_1', 'src_1', ?2, 'POST', '/', '', "
        "?3, '127.0.0.1', 2, 1, ?4)");
    auto standing = old.Prepare(
        "INSERT INTO delivery_standings (event_id, destination_id, org_id, last_success, "
        "ever_succeeded, last_attempt_at) VALUES (?1, 'dst_1', 'org_1', ?2, ?2, ?3)");
    const std::string headers = EncodeHeaders({{"X-A", "1"}});
    for (TimeMs offset : {0, 1, 1, 86400000, 2}) {
      const std::string id = NewId("evt", now + offset);
      event->BindAll(id, now + offset, sqlite::Blob{headers}, sqlite::Blob{"{}"});
      event->Run();
      event->Reset();
      const bool success = offset == 2;
      standing->BindAll(id, success, now + 90000000);
      standing->Run();
      standing->Reset();
      if (!success && offset < 86400000) failed.push_back(id);
    }
  }
  std::sort(failed.begin(), failed.end());

  SqliteStore store(path);
  ReplayRange range{"org_1", std::nullopt, now, now + 1000, std::nullopt, 10, false, "dst_1"};
  std::vector<std::string> walked;
  for (const Event& event : store.events().ListEventsForReplay(range)) walked.push_back(event.id);
  EXPECT_EQ(walked, failed);
}

// Schema 15 rebuilds the delivery tasks keyed (connection_id, id): a task pending before the
// upgrade is still due, claimed, finished by its outcome, and one of a destination is found
// through its connection when the destination goes.
TEST(SqliteStoreTest, TasksOfSchema14AreClaimedFinishedAndDroppedAfterTheUpgrade) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/old.db";
  {
    sqlite::Database old(path);
    sqlite::MigrateTo(old, 14);
    old.Exec(R"sql(
      INSERT INTO organizations (id, name, retention_days, created_at) VALUES ('org_1', 'o', 30, 1);
      INSERT INTO sources (id, org_id, name, config, created_at, updated_at)
        VALUES ('src_1', 'org_1', 's', '{}', 1, 1);
      INSERT INTO destinations (id, org_id, name, url, timeout_ms, headers, secret, created_at,
                                updated_at)
        VALUES ('dst_1', 'org_1', 'd', 'https://example.com/', 1000, x'', 's', 1, 1);
      INSERT INTO connections (id, org_id, source_id, destination_id, filter, enabled,
                               created_at, updated_at)
        VALUES ('con_1', 'org_1', 'src_1', 'dst_1', '{}', 1, 1, 1);
      INSERT INTO delivery_tasks (id, org_id, event_id, destination_id, connection_id, attempts,
                                  next_attempt_at, lease_owner, lease_until, created_at)
        VALUES ('tsk_1', 'org_1', 'evt_1', 'dst_1', 'con_1', 2, 5000, '', 0, 1000),
               ('tsk_2', 'org_1', 'evt_2', 'dst_1', 'con_1', 0, 9000, '', 0, 1000);
    )sql");
  }

  SqliteStore store(path);
  const auto due = store.work().ClaimDueTasks(6000, "node-a", 60000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, "tsk_1");
  EXPECT_EQ(due[0].connection_id, "con_1");
  EXPECT_EQ(due[0].attempts, 2);
  WriteBatch outcome;
  outcome.task_updates.push_back(TaskUpdate{"tsk_1", "con_1", std::nullopt, std::nullopt});
  store.events().ApplyBatch(outcome);
  EXPECT_EQ(store.work().CountWork().pending_deliveries, 1);
  EXPECT_TRUE(store.configuration().DeleteDestination("org_1", "dst_1"));
  EXPECT_EQ(store.work().CountWork().pending_deliveries, 0);
}

// A PostgreSQL database an older rehook filled (schema 14: tables not partitioned) keeps
// everything through migration 15, which makes each table the first partition of its new
// self; that partition goes whole once retention has passed every day it holds.
TEST(PgStoreTest, WhatSchema14HeldIsServedAfterTheUpgradeAndDroppedAsOneDay) {
  testing::TestDatabase database;
  const TimeMs old_time = 1764000000123;  // every character of the id's time in use
  const std::string old_id = NewId("evt", old_time);
  {
    pg::Connection old(database.url());
    pg::MigrateTo(old, 14);
    old.ExecScript(
        "INSERT INTO organizations (id, name, retention_days, created_at) "
        "VALUES ('org_1', 'o', 30, 1);"
        "INSERT INTO sources (id, org_id, name, config, created_at, updated_at) "
        "VALUES ('src_1', 'org_1', 's', '{}', 1, 1);");
    old.Exec(
        "INSERT INTO events (id, org_id, source_id, received_at, method, path, query, headers, "
        "client_ip, size, verified, body) VALUES ($1, 'org_1', 'src_1', $2, 'POST', $3, $4, $5, "
        "'127.0.0.1', 2, true, $6)",
        pg::Params(old_id, old_time, pg::Bytes{"/hook"}, pg::Bytes{""},
                   pg::Bytes{EncodeHeaders({{"X-A", "1"}})}, pg::Bytes{"{}"}));
    old.Exec(
        "INSERT INTO delivery_attempts (id, org_id, event_id, destination_id, attempt, success, "
        "error, created_at) VALUES ('del_1', 'org_1', $1, 'dst_1', 1, false, 'HTTP 500', $2)",
        pg::Params(old_id, old_time + 10));
    old.Exec(
        "INSERT INTO delivery_standings (event_id, destination_id, org_id, last_success, "
        "ever_succeeded, last_attempt_at, received_at) VALUES ($1, 'dst_1', 'org_1', false, "
        "false, $2, $3)",
        pg::Params(old_id, old_time + 10, old_time));
    old.Exec(
        "INSERT INTO delivery_tasks (id, org_id, event_id, destination_id, connection_id, "
        "attempts, next_attempt_at, lease_owner, lease_until, created_at) VALUES ('tsk_1', "
        "'org_1', $1, 'dst_1', 'con_1', 1, $2, '', 0, $2)",
        pg::Params(old_id, old_time + 60000));
  }

  PgStore store(database.url());
  EventLog& events = store.events();
  EXPECT_EQ(events.GetEvent("org_1", old_id, true)->body, "{}");
  // The pending task is claimed and rescheduled under its new key (schema 17): a reschedule that
  // missed it would leave node-a's lease on it, and node-b could not claim it.
  ASSERT_EQ(store.work().ClaimDueTasks(old_time + 60000, "node-a", old_time + 120000, 10).size(),
            1u);
  WriteBatch postponed;
  postponed.task_updates.push_back(TaskUpdate{"tsk_1", "con_1", std::nullopt, old_time + 90000});
  events.ApplyBatch(postponed);
  const auto again = store.work().ClaimDueTasks(old_time + 95000, "node-b", old_time + 150000, 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, "tsk_1");
  ReplayRange failed{"org_1",      std::nullopt, old_time, old_time + 1,
                     std::nullopt, 10,           false,    "dst_1"};
  ASSERT_EQ(events.ListEventsForReplay(failed).size(), 1u);
  // An attempt logged after the upgrade follows the old one (the same sequence numbers them).
  DeliveryAttempt retry;
  retry.id = NewId("del", old_time + 70000);
  retry.org_id = "org_1";
  retry.event_id = old_id;
  retry.destination_id = "dst_1";
  retry.attempt = 2;
  retry.success = true;
  retry.created_at = old_time + 70000;
  WriteBatch batch;
  batch.attempts.push_back(retry);
  events.ApplyBatch(batch);
  const auto attempts = events.ListAttemptsOfEvent("org_1", old_id);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[1].id, retry.id);
  EXPECT_TRUE(events.ListEventsForReplay(failed).empty());  // its standing moved on

  // A later day of its own, then retention past the first partition's days.
  const TimeMs now = SystemClock().Now();
  const TimeMs later_day = pg::DayStart(now) + 5 * pg::kDayMs;
  events.PrepareDays(later_day);
  Event later = *events.GetEvent("org_1", old_id, true);
  later.id = NewId("evt", later_day + 1000);
  later.received_at = later_day + 1000;
  WriteBatch capture;
  capture.events.push_back({std::make_shared<Event>(later), {}, std::nullopt});
  events.ApplyBatch(capture);
  EXPECT_EQ(events.DropExpiredDays({{"org_1", later_day}}), 1);
  EXPECT_FALSE(events.GetEvent("org_1", old_id, false));
  EXPECT_TRUE(events.ListAttemptsOfEvent("org_1", old_id).empty());
  EXPECT_EQ(store.work().CountWork().pending_deliveries, 0);
  EXPECT_TRUE(events.GetEvent("org_1", later.id, true));
  EXPECT_EQ(events.DropExpiredDays({{"org_1", later_day}}), 0);  // nothing more before that day
}

// Schema 16: the events' time indexes are keyed (org|source, received_at), without the id, so
// that the events of one millisecond share an entry (B-tree deduplication) instead of each
// carrying its 31-byte id: what keeps PostgreSQL's bytes per event near the bytes captured.
TEST(PgStoreTest, EventsOfOneMillisecondShareTheirTimeIndexEntries) {
  testing::TestDatabase database;
  PgStore store(database.url());
  const TimeMs start = pg::DayStart(SystemClock().Now()) + 1000;
  std::vector<std::string> ids;
  for (TimeMs ms = 0; ms < 4; ++ms) {
    WriteBatch batch;
    for (int i = 0; i < 1000; ++i) {
      auto event = std::make_shared<Event>();
      event->received_at = start + ms;
      event->id = NewId("evt", event->received_at);
      event->org_id = "org_01M98W40MM19JF4MGGA5H4G0QR";
      event->source_id = "src_01M98W40MM19JF4MGGA5H4G0QR";
      event->method = "POST";
      event->path = "/hook";
      event->client_ip = "127.0.0.1";
      event->body = "{}";
      ids.push_back(event->id);
      batch.events.push_back({std::move(event), {}, std::nullopt});
    }
    store.events().ApplyBatch(batch);
  }
  ASSERT_TRUE(store.events().GetEvent("org_01M98W40MM19JF4MGGA5H4G0QR", ids[2500], false));

  // Keyed with the id, 4 000 entries took 49 pages of 8 KB per index; sharing four keys,
  // their row pointers fit in a handful.
  pg::Connection check(database.url());
  for (const char* index : {"events_by_org_time", "events_by_source_time"}) {
    pg::Result pages = check.Exec(
        "SELECT (sum(pg_relation_size(inhrelid)) / 8192)::bigint FROM pg_inherits "
        "WHERE inhparent = $1::regclass",
        pg::Params(std::string(index)));
    EXPECT_LT(pages.row(0).Int64(0), 12) << index;  // 49 before schema 16
  }
}

TEST(SqliteStoreTest, CreatesWalDatabaseWith16KbPagesAndIncrementalVacuum) {
  testing::TempDir dir;
  { SqliteStore store(dir.path() + "/x.db"); }
  sqlite::Database connection(dir.path() + "/x.db");
  auto pragma = [&](const std::string& name) {
    auto statement = connection.Prepare("PRAGMA " + name);
    EXPECT_TRUE(statement->Step());
    return statement->Text(0);
  };
  EXPECT_EQ(pragma("page_size"), "16384");
  EXPECT_EQ(pragma("journal_mode"), "wal");
  EXPECT_EQ(pragma("auto_vacuum"), "2");  // incremental
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreTest, ::testing::ValuesIn(AllStores()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rehook
