// The Store contract for destinations, connections, delivery tasks and the attempt log.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "unit/store_fixture.h"

namespace rehook {
namespace {

Destination MakeDestination(const std::string& org_id, TimeMs at) {
  Destination destination;
  destination.id = NewId("dst", at);
  destination.org_id = org_id;
  destination.name = "orders service";
  destination.url = "https://orders.example.com/hooks";
  destination.timeout_ms = 5000;
  destination.headers = {{"Authorization", "Bearer t"}, {"X-Team", "payments"}};
  destination.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  destination.rate_limit = 20;
  destination.created_at = at;
  destination.updated_at = at;
  return destination;
}

DeliveryTask MakeTask(const Event& event, const Connection& connection, TimeMs due) {
  DeliveryTask task;
  task.id = NewId("tsk", due);
  task.org_id = event.org_id;
  task.event_id = event.id;
  task.destination_id = connection.destination_id;
  task.connection_id = connection.id;
  task.next_attempt_at = due;
  task.created_at = due;
  return task;
}

class StoreDeliveryTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    source_ = MakeSource(org_.id, 2000);
    destination_ = MakeDestination(org_.id, 2000);
    store_->configuration().InsertDestination(destination_);
    connection_ = Connection{.id = NewId("con", 2000),
                             .org_id = org_.id,
                             .source_id = source_.id,
                             .destination_id = destination_.id,
                             .filter_json = R"({"body":{"a":1}})",
                             .transformation_id = "",
                             .created_at = 2000,
                             .updated_at = 2000};
    store_->configuration().InsertConnection(connection_);
  }

  // Captures an event together with one task per given due time.
  Event CaptureWithTasks(TimeMs at, std::vector<TimeMs> due_times) {
    auto event = std::make_shared<Event>(MakeEvent(source_, at));
    NewEvent item{event, {}, std::nullopt};
    for (TimeMs due : due_times) item.tasks.push_back(MakeTask(*event, connection_, due));
    WriteBatch batch;
    batch.events.push_back(item);
    store_->events().ApplyBatch(batch);
    store_->events().SyncBatches();
    return *event;
  }

  // An attempt to deliver `event` to destination_ at `at`: forwarded through connection_, or
  // made by replay job `job_id`.
  DeliveryAttempt Attempt(const Event& event, TimeMs at, bool success,
                          std::optional<std::string> job_id = std::nullopt) {
    DeliveryAttempt attempt;
    attempt.id = NewId("del", at);
    attempt.org_id = org_.id;
    attempt.event_id = event.id;
    attempt.destination_id = destination_.id;
    if (job_id) {
      attempt.replay_job_id = std::move(job_id);
    } else {
      attempt.connection_id = connection_.id;
    }
    attempt.success = success;
    attempt.created_at = at;
    return attempt;
  }

  void Apply(TaskUpdate update) {
    WriteBatch batch;
    batch.task_updates.push_back(std::move(update));
    store_->events().ApplyBatch(batch);
  }

  // An event of source_ received at `at`, with one delivery task and a claim on `key_hash`
  // against holders since `window_start`.
  NewEvent Claiming(TimeMs at, const std::string& key_hash, TimeMs window_start) {
    auto event = std::make_shared<Event>(MakeEvent(source_, at));
    return NewEvent{
        event, {MakeTask(*event, connection_, at)}, NewEvent::DedupClaim{key_hash, window_start}};
  }

  Source source_;
  Destination destination_;
  Connection connection_;
};

TEST_P(StoreDeliveryTest, DestinationsRoundTripAndStayInTheirOrganization) {
  auto loaded = store_->configuration().GetDestination(org_.id, destination_.id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->url, destination_.url);
  EXPECT_EQ(loaded->timeout_ms, 5000);
  ASSERT_EQ(loaded->headers.size(), 2u);
  EXPECT_EQ(loaded->headers[1].name, "X-Team");
  EXPECT_EQ(loaded->secret, destination_.secret);
  EXPECT_EQ(loaded->rate_limit, 20);
  EXPECT_FALSE(store_->configuration().GetDestination("org_other", destination_.id).has_value());
  EXPECT_EQ(store_->configuration().ListDestinations(org_.id, {}).items.size(), 1u);

  loaded->rate_limit.reset();
  loaded->url = "https://new.example.com/";
  EXPECT_TRUE(store_->configuration().UpdateDestination(*loaded));
  EXPECT_FALSE(
      store_->configuration().GetDestination(org_.id, destination_.id)->rate_limit.has_value());
  EXPECT_TRUE(store_->configuration().GetDestination(org_.id, destination_.id)->enabled);
}

TEST_P(StoreDeliveryTest, DisablingADestinationDropsItsPendingDeliveriesButNotItsEvents) {
  Event event = CaptureWithTasks(3000, {3000});
  Destination disabled = destination_;
  disabled.enabled = false;
  disabled.org_id = "org_other";
  EXPECT_FALSE(
      store_->configuration().UpdateDestination(disabled));  // another org's: nothing happens
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 1);
  disabled.org_id = org_.id;
  EXPECT_TRUE(store_->configuration().UpdateDestination(disabled));
  EXPECT_FALSE(store_->configuration().GetDestination(org_.id, destination_.id)->enabled);
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 0);
  EXPECT_TRUE(store_->events().GetEvent(org_.id, event.id, false).has_value());
}

TEST_P(StoreDeliveryTest, BatchesKeepWhenADestinationStartedFailingAndAutoDisableTakesItOnce) {
  Event event = CaptureWithTasks(3000, {3000});
  auto failing_since = [&] {
    return store_->configuration().GetDestination(org_.id, destination_.id)->failing_since;
  };
  auto apply_attempts = [&](std::vector<DeliveryAttempt> attempts) {
    WriteBatch batch;
    batch.attempts = std::move(attempts);
    store_->events().ApplyBatch(batch);
  };
  EXPECT_FALSE(failing_since().has_value());
  // Out of order within a batch: the earliest failure after the last success counts.
  apply_attempts(
      {Attempt(event, 5000, false), Attempt(event, 4000, true), Attempt(event, 4500, false)});
  EXPECT_EQ(failing_since(), 4500);
  apply_attempts({Attempt(event, 6000, false)});  // still failing: since 4500
  EXPECT_EQ(failing_since(), 4500);
  DeliveryAttempt skipped = Attempt(event, 6500, true);
  skipped.skipped = true;  // a transformation sent nothing: not a success
  apply_attempts({skipped});
  EXPECT_EQ(failing_since(), 4500);
  apply_attempts({Attempt(event, 7000, true)});
  EXPECT_FALSE(failing_since().has_value());
  apply_attempts({Attempt(event, 8000, false)});
  EXPECT_EQ(failing_since(), 8000);

  // Without a window it is never due; with one, once the window has passed.
  ConfigurationStore& configuration = store_->configuration();
  EXPECT_TRUE(configuration.DestinationsFailingTooLong(1'000'000, 10).empty());
  Destination windowed = *configuration.GetDestination(org_.id, destination_.id);
  windowed.disable_after_ms = 10'000;
  ASSERT_TRUE(configuration.UpdateDestination(windowed));
  EXPECT_EQ(failing_since(), 8000);  // a change of settings keeps it
  EXPECT_TRUE(configuration.DestinationsFailingTooLong(17'999, 10).empty());
  auto due = configuration.DestinationsFailingTooLong(18'000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, destination_.id);
  EXPECT_EQ(configuration.FindDestination(destination_.id)->org_id, org_.id);

  // Two nodes race to disable it: exactly one does; the pending delivery goes, the event stays.
  EXPECT_TRUE(configuration.DisableFailingDestination(destination_.id, 18'000));
  EXPECT_FALSE(configuration.DisableFailingDestination(destination_.id, 18'000));
  Destination disabled = *configuration.GetDestination(org_.id, destination_.id);
  EXPECT_FALSE(disabled.enabled);
  EXPECT_FALSE(disabled.failing_since.has_value());
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 0);
  EXPECT_TRUE(store_->events().GetEvent(org_.id, event.id, false).has_value());
  EXPECT_TRUE(configuration.DestinationsFailingTooLong(100'000, 10).empty());

  // A replay keeps failing at it while disabled; enabling it again starts the count afresh.
  apply_attempts({Attempt(event, 20'000, false, "job_1")});
  disabled.enabled = true;
  ASSERT_TRUE(configuration.UpdateDestination(disabled));
  EXPECT_FALSE(failing_since().has_value());
}

TEST_P(StoreDeliveryTest, ConnectionsAreFoundBySource) {
  auto of_source = store_->configuration().ListConnectionsOfSource(source_.id);
  ASSERT_EQ(of_source.size(), 1u);
  EXPECT_EQ(of_source[0].filter_json, R"({"body":{"a":1}})");
  EXPECT_TRUE(of_source[0].enabled);
  EXPECT_FALSE(store_->configuration().GetConnection("org_other", connection_.id).has_value());

  connection_.enabled = false;
  connection_.filter_json = "";
  EXPECT_TRUE(store_->configuration().UpdateConnection(connection_));
  auto updated = store_->configuration().GetConnection(org_.id, connection_.id);
  EXPECT_FALSE(updated->enabled);
  EXPECT_EQ(updated->filter_json, "");
}

TEST_P(StoreDeliveryTest, DueTasksAreClaimedOnceUntilTheLeaseLapses) {
  CaptureWithTasks(3000, {3000, 4000, 9000});
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 3);

  auto first = store_->work().ClaimDueTasks(5000, "node-a", 65000, 10);
  ASSERT_EQ(first.size(), 2u);  // the third is not due yet
  EXPECT_EQ(first[0].next_attempt_at, 3000);
  EXPECT_EQ(first[0].lease_owner, "node-a");
  EXPECT_TRUE(store_->work().ClaimDueTasks(5000, "node-b", 65000, 10).empty());  // leased

  // Once due, the third is claimed; the two whose lease lapsed are found only by the claim of
  // lapsed leases, which another node may then take.
  EXPECT_TRUE(store_->work().ClaimLapsedTasks(64999, "node-b", 125000, 10).empty());  // held
  auto later = store_->work().ClaimDueTasks(70000, "node-b", 130000, 10);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].next_attempt_at, 9000);
  auto lapsed = store_->work().ClaimLapsedTasks(70000, "node-b", 130000, 10);
  ASSERT_EQ(lapsed.size(), 2u);
  EXPECT_EQ(lapsed[0].next_attempt_at, 3000);
  EXPECT_EQ(lapsed[0].lease_owner, "node-b");
  EXPECT_TRUE(store_->work().ClaimLapsedTasks(70000, "node-c", 130000, 10).empty());
  store_->work().ReleaseLeases("node-b");
  EXPECT_EQ(store_->work().ClaimDueTasks(70000, "node-c", 130000, 1).size(), 1u);  // limit
  EXPECT_EQ(store_->work().ClaimDueTasks(70000, "node-c", 130000, 10).size(), 2u);
}

// A live delivery is leased from its capture on: the poller's claim of due tasks never sees it,
// however long it runs, until its lease lapses.
TEST_P(StoreDeliveryTest, LiveDeliveriesLeasedAtCaptureAreClaimedOnlyOnceTheirLeaseLapses) {
  auto event = std::make_shared<Event>(MakeEvent(source_, 3000));
  DeliveryTask task = MakeTask(*event, connection_, 3000);
  task.lease_owner = "node-a";  // as PlanDeliveries leases it to the capturing node
  task.lease_until = 33000;
  WriteBatch batch;
  batch.events.push_back(NewEvent{event, {task}, std::nullopt});
  store_->events().ApplyBatch(batch);
  store_->events().SyncBatches();

  EXPECT_TRUE(store_->work().ClaimDueTasks(40000, "node-b", 100000, 10).empty());
  EXPECT_TRUE(store_->work().ClaimLapsedTasks(32999, "node-b", 100000, 10).empty());
  auto lapsed = store_->work().ClaimLapsedTasks(33000, "node-b", 100000, 10);
  ASSERT_EQ(lapsed.size(), 1u);
  EXPECT_EQ(lapsed[0].id, task.id);
  // Rescheduled by its new holder, it waits in the index like any retry.
  Apply(TaskUpdate::Of(lapsed[0], std::nullopt, 50000));
  EXPECT_TRUE(store_->work().ClaimLapsedTasks(60000, "node-c", 120000, 10).empty());
  EXPECT_EQ(store_->work().ClaimDueTasks(60000, "node-c", 120000, 10).size(), 1u);
}

TEST_P(StoreDeliveryTest, OutcomesRescheduleOrFinishTasksAndAreLogged) {
  Event event = CaptureWithTasks(3000, {3000});
  auto task = store_->work().ClaimDueTasks(3000, "node-a", 60000, 10).at(0);

  DeliveryAttempt failed = Attempt(event, 3100, false);
  failed.attempt = 1;
  failed.status_code = 503;
  failed.response_time_ms = 12;
  failed.next_retry_at = 33100;
  Apply(TaskUpdate::Of(task, failed, 33100));
  WorkCounts waiting = store_->work().CountWork();
  EXPECT_EQ(waiting.pending_deliveries, 1);
  EXPECT_EQ(waiting.pending_retries, 1);

  auto retried = store_->work().ClaimDueTasks(40000, "node-a", 100000, 10);
  ASSERT_EQ(retried.size(), 1u);  // rescheduled and the lease released
  EXPECT_EQ(retried[0].attempts, 1);
  EXPECT_EQ(retried[0].next_attempt_at, 33100);

  DeliveryAttempt delivered = failed;
  delivered.id = NewId("del", 40100);
  delivered.attempt = 2;
  delivered.status_code = 200;
  delivered.success = true;
  delivered.next_retry_at.reset();
  delivered.created_at = 40100;
  Apply(TaskUpdate::Of(task, delivered, std::nullopt));
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 0);

  auto attempts = store_->events().ListAttemptsOfEvent(org_.id, event.id);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].status_code, 503);
  EXPECT_EQ(attempts[0].next_retry_at, 33100);
  EXPECT_FALSE(attempts[0].success);
  EXPECT_EQ(attempts[1].attempt, 2);
  EXPECT_TRUE(attempts[1].success);
  EXPECT_EQ(attempts[1].connection_id, connection_.id);
  EXPECT_FALSE(attempts[1].replay_job_id.has_value());
  EXPECT_TRUE(store_->events().ListAttemptsOfEvent("org_other", event.id).empty());
}

TEST_P(StoreDeliveryTest, APostponedTaskKeepsItsAttemptCount) {
  CaptureWithTasks(3000, {3000});
  auto task = store_->work().ClaimDueTasks(3000, "node-a", 60000, 10).at(0);
  Apply(TaskUpdate::Of(task, std::nullopt, 20000));  // circuit open: no attempt
  auto again = store_->work().ClaimDueTasks(20000, "node-a", 60000, 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 0);
}

TEST_P(StoreDeliveryTest, DeletingAConnectionDestinationOrSourceDropsPendingTasks) {
  CaptureWithTasks(3000, {3000, 3000});
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 2);
  EXPECT_FALSE(store_->configuration().DeleteConnection("org_other", connection_.id));
  EXPECT_TRUE(store_->configuration().DeleteConnection(org_.id, connection_.id));
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 0);

  store_->configuration().InsertConnection(connection_);
  CaptureWithTasks(3001, {3001});
  EXPECT_TRUE(store_->configuration().DeleteDestination(org_.id, destination_.id));
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 0);
  EXPECT_FALSE(
      store_->configuration().GetConnection(org_.id, connection_.id).has_value());  // cascaded

  store_->configuration().InsertDestination(destination_);
  store_->configuration().InsertConnection(connection_);
  CaptureWithTasks(3002, {3002});
  EXPECT_TRUE(store_->configuration().DeleteSource(org_.id, source_.id));
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 0);
  EXPECT_TRUE(store_->configuration().ListConnectionsOfSource(source_.id).empty());
}

// Tasks are keyed by connection, but keep the destination they were routed to: once their
// connection points elsewhere, they still belong to (and go with) the old destination.
TEST_P(StoreDeliveryTest,
       PendingTasksGoWithTheDestinationTheyWereRoutedToAfterTheirConnectionMoved) {
  CaptureWithTasks(3000, {3000});
  Destination other = MakeDestination(org_.id, 2100);
  store_->configuration().InsertDestination(other);
  Connection moved = connection_;
  moved.destination_id = other.id;
  ASSERT_TRUE(store_->configuration().UpdateConnection(moved));

  EXPECT_TRUE(store_->configuration().DeleteDestination(org_.id, other.id));
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 1);
  Destination disabled = destination_;
  disabled.enabled = false;
  ASSERT_TRUE(store_->configuration().UpdateDestination(disabled));
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 0);
}

TEST_P(StoreDeliveryTest, AnUpdateForAVanishedTaskOnlyLogsTheAttempt) {
  Event event = CaptureWithTasks(3000, {3000});
  auto task = store_->work().ClaimDueTasks(3000, "node-a", 60000, 10).at(0);
  store_->configuration().DeleteConnection(org_.id, connection_.id);
  DeliveryAttempt attempt;
  attempt.id = NewId("del", 3100);
  attempt.org_id = org_.id;
  attempt.event_id = event.id;
  attempt.destination_id = destination_.id;
  attempt.created_at = 3100;
  Apply(TaskUpdate::Of(task, attempt, 9000));
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 0);
  EXPECT_EQ(store_->events().ListAttemptsOfEvent(org_.id, event.id).size(), 1u);
}

TEST_P(StoreDeliveryTest, DedupKeysKeepOnlyTheFirstEventWithinTheWindow) {
  // The window is 1000 ms before each event.
  auto claiming = [&](TimeMs at, const std::string& key_hash) {
    return Claiming(at, key_hash, at - 1000);
  };
  // One batch: a new key, the same key again, another key. The repeat loses within the batch.
  WriteBatch first;
  first.events = {claiming(10000, "aa"), claiming(10001, "aa"), claiming(10002, "bb")};
  BatchResult result = store_->events().ApplyBatch(first);
  store_->events().SyncBatches();
  ASSERT_EQ(result.duplicate_of.size(), 3u);
  const std::string& original = first.events[0].event->id;
  EXPECT_EQ(result.duplicate_of[0], "");
  EXPECT_EQ(result.duplicate_of[1], original);
  EXPECT_EQ(result.duplicate_of[2], "");
  EXPECT_FALSE(store_->events().GetEvent(org_.id, first.events[1].event->id, false).has_value());
  EXPECT_EQ(store_->work().CountWork().pending_deliveries,
            2);  // the duplicate's task was not stored

  // A later batch: still within the window of "aa", and past it.
  WriteBatch later;
  later.events = {claiming(10900, "aa"), claiming(11500, "aa")};
  result = store_->events().ApplyBatch(later);
  store_->events().SyncBatches();
  ASSERT_EQ(result.duplicate_of.size(), 2u);
  EXPECT_EQ(result.duplicate_of[0], original);
  EXPECT_EQ(result.duplicate_of[1], "");  // 10000 is before 11500 - 1000: the key is free again
  EXPECT_TRUE(store_->events().GetEvent(org_.id, later.events[1].event->id, false).has_value());
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 3);

  // Keys belong to their source: another source's event with the same key is stored.
  Source other = MakeSource(org_.id, 12000);
  auto event = std::make_shared<Event>(MakeEvent(other, 12000));
  WriteBatch elsewhere;
  elsewhere.events.push_back({event, {}, NewEvent::DedupClaim{"bb", 11000}});
  EXPECT_EQ(store_->events().ApplyBatch(elsewhere).duplicate_of, std::vector<std::string>{""});
}

// A busy batch: 300 plain captures (PostgreSQL writes them 256, 32, 8 and 4 rows to a
// statement) around two with dedup claims, each with a task. Every event keeps its own values.
TEST_P(StoreDeliveryTest, ABatchOfManyCapturesStoresEachWithItsOwnValuesAndTasks) {
  WriteBatch batch;
  batch.events.push_back(Claiming(5000, "k1", 4000));
  for (int i = 0; i < 300; ++i) {
    const TimeMs at = 5001 + i;
    auto event =
        std::make_shared<Event>(MakeEvent(source_, at, "{\"n\":" + std::to_string(i) + "}"));
    event->path = "/hook/" + std::to_string(i);
    event->verified = i % 2 == 0;
    event->headers.at(1).value = std::to_string(i);
    batch.events.push_back({event, {MakeTask(*event, connection_, at)}, std::nullopt});
  }
  batch.events.push_back(Claiming(5400, "k1", 4400));  // the key is taken: not stored
  BatchResult result = store_->events().ApplyBatch(batch);
  store_->events().SyncBatches();

  ASSERT_EQ(result.duplicate_of.size(), 302u);
  EXPECT_EQ(result.duplicate_of.front(), "");
  EXPECT_EQ(result.duplicate_of.back(), batch.events.front().event->id);
  for (std::size_t i = 1; i <= 300; ++i) {
    const Event& sent = *batch.events[i].event;
    EXPECT_EQ(result.duplicate_of[i], "");
    std::optional<Event> stored = store_->events().GetEvent(org_.id, sent.id, true);
    ASSERT_TRUE(stored.has_value()) << i;
    EXPECT_EQ(stored->received_at, sent.received_at);
    EXPECT_EQ(stored->body, sent.body);
    EXPECT_EQ(stored->path, sent.path);
    EXPECT_EQ(stored->verified, sent.verified);
    ASSERT_EQ(stored->headers.size(), sent.headers.size());
    EXPECT_EQ(stored->headers.at(1).value, sent.headers.at(1).value);
  }
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 301);  // not the duplicate's task
  auto claimed = store_->work().ClaimDueTasks(6000, "node-a", 60000, 400);
  ASSERT_EQ(claimed.size(), 301u);
  std::vector<std::string> claimed_events;
  for (const DeliveryTask& task : claimed) claimed_events.push_back(task.event_id);
  std::sort(claimed_events.begin(), claimed_events.end());
  std::vector<std::string> stored_events;
  for (std::size_t i = 0; i <= 300; ++i) stored_events.push_back(batch.events[i].event->id);
  std::sort(stored_events.begin(), stored_events.end());
  EXPECT_EQ(claimed_events, stored_events);
}

TEST_P(StoreDeliveryTest, ErasingAnEventTakesEverythingRecordedAboutIt) {
  Event doomed = CaptureWithTasks(3000, {3000});
  Event kept = CaptureWithTasks(3001, {3001});
  ReplayProgress progress;  // an attempt logged the way replay jobs log theirs
  progress.job_id = "job_none";
  progress.attempt = Attempt(doomed, 3100, false, "job_none");
  WriteBatch batch;
  batch.replay_progress.push_back(progress);
  store_->events().ApplyBatch(batch);
  store_->events().SyncBatches();

  Organization other{NewId("org", 1001), "globex", 30, 1001};
  store_->tenancy().InsertOrganization(other);
  EXPECT_FALSE(
      store_->events().DeleteEvent(other.id, doomed.id));  // another org's id: nothing happens
  EXPECT_TRUE(store_->events().DeleteEvent(org_.id, doomed.id));
  EXPECT_FALSE(store_->events().DeleteEvent(org_.id, doomed.id));
  EXPECT_FALSE(store_->events().GetEvent(org_.id, doomed.id, true).has_value());
  EXPECT_TRUE(store_->events().ListAttemptsOfEvent(org_.id, doomed.id).empty());
  EXPECT_EQ(store_->work().CountWork().pending_deliveries,
            1);  // only the kept event's task is left
  EXPECT_TRUE(store_->events().GetEvent(org_.id, kept.id, false).has_value());
}

TEST_P(StoreDeliveryTest, RetentionErasesOnlyTheOrgsOlderEventsInBatches) {
  for (TimeMs at = 5000; at < 5010; ++at) CaptureWithTasks(at, {at});
  Organization other{NewId("org", 1001), "globex", 30, 1001};
  store_->tenancy().InsertOrganization(other);
  Source theirs = MakeSource(other.id, 4000);
  Append({MakeEvent(theirs, 4000)});

  EXPECT_EQ(store_->events().DeleteEventsBefore(org_.id, 5008, 5), 5);  // a batch of 5 ...
  EXPECT_EQ(store_->events().DeleteEventsBefore(org_.id, 5008, 5),
            3);  // ... then the 3 left before 5008
  EXPECT_EQ(store_->events().DeleteEventsBefore(org_.id, 5008, 5), 0);
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 2);
  EventQuery query;
  query.org_id = org_.id;
  EXPECT_EQ(store_->events().ListEvents(query).items.size(), 2u);
  query.org_id = other.id;
  EXPECT_EQ(store_->events().ListEvents(query).items.size(), 1u);  // other orgs are untouched
  store_->events().ReclaimSpace();
}

// Retention as the sweeper runs it: whole days first (PostgreSQL keeps a partition per day;
// SQLite has none to drop), then by row up to the erasure cutoff. Together they erase exactly
// the events before the cutoff, each with its pending deliveries, attempts and standings.
TEST_P(StoreDeliveryTest,
       DaysDroppedWholeAndRowsErasedTogetherTakeExactlyTheEventsBeforeTheCutoff) {
  constexpr TimeMs kDay = 24LL * 60 * 60 * 1000;
  const TimeMs now = SystemClock().Now();
  const TimeMs base = now - now % kDay + 10 * kDay;  // a day boundary, after any cutover day
  store_->events().PrepareDays(base + kDay);         // that day and the next two; not `base`'s
  std::vector<Event> events;
  for (TimeMs at : {base + 3 * 3600000, base + kDay + 5 * 3600000, base + 2 * kDay + 3600000,
                    base + 3 * kDay + 7200000}) {
    events.push_back(CaptureWithTasks(at, {at}));
    WriteBatch batch;
    batch.attempts.push_back(Attempt(events.back(), at + 1, false));
    store_->events().ApplyBatch(batch);
  }
  store_->events().SyncBatches();

  const TimeMs cutoff = base + 3 * kDay;
  const std::int64_t dropped = store_->events().DropExpiredDays({{org_.id, cutoff}});
  EXPECT_EQ(dropped, GetParam().name == "Postgres" ? 2 : 0);  // the days made, not base's
  const TimeMs erase_before = store_->events().ErasureCutoff(cutoff);
  EXPECT_EQ(erase_before, cutoff);  // a day boundary already
  const int erased = store_->events().DeleteEventsBefore(org_.id, erase_before, 100);
  EXPECT_EQ(dropped + erased, 3);

  std::vector<std::string> ids;
  for (const Event& event : events) ids.push_back(event.id);
  const auto standings = store_->events().StandingsAtDestination(org_.id, destination_.id, ids);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(store_->events().GetEvent(org_.id, ids[i], false)) << i;
    EXPECT_TRUE(store_->events().ListAttemptsOfEvent(org_.id, ids[i]).empty()) << i;
    EXPECT_FALSE(standings.contains(ids[i])) << i;
  }
  EXPECT_TRUE(store_->events().GetEvent(org_.id, ids[3], false));
  EXPECT_EQ(store_->events().ListAttemptsOfEvent(org_.id, ids[3]).size(), 1u);
  EXPECT_TRUE(standings.contains(ids[3]));
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 1);  // the kept event's task
  // Within a day, the erasure cutoff is where that day starts on PostgreSQL.
  EXPECT_EQ(store_->events().ErasureCutoff(cutoff + 5),
            GetParam().name == "Postgres" ? cutoff : cutoff + 5);
  // Capture goes on into days made and days not made alike.
  const Event later = CaptureWithTasks(base + 6 * kDay, {});
  EXPECT_TRUE(store_->events().GetEvent(org_.id, later.id, true));
}

// Organizations keep events for different times: a day goes whole only when every
// organization with events in it is past its retention; a long retention keeps only the days it
// has events in, and what a kept day holds of a shorter retention goes by row.
TEST_P(StoreDeliveryTest, ALongRetentionKeepsOnlyTheDaysItHasEventsIn) {
  constexpr TimeMs kDay = 24LL * 60 * 60 * 1000;
  const TimeMs now = SystemClock().Now();
  const TimeMs base = now - now % kDay + 10 * kDay;  // a day boundary, after any cutover day
  store_->events().PrepareDays(base);                // base and the next two days
  Organization brief{"org_brief", "brief", 1, 1};
  store_->tenancy().InsertOrganization(brief);
  const Source brief_source = MakeSource(brief.id, 2000);
  auto capture = [&](const Source& source, TimeMs at, bool with_task) {
    auto event = std::make_shared<Event>(MakeEvent(source, at));
    NewEvent item{event, {}, std::nullopt};
    if (with_task) item.tasks.push_back(MakeTask(*event, connection_, at));
    WriteBatch batch;
    batch.events.push_back(item);
    store_->events().ApplyBatch(batch);
    return event->id;
  };
  const std::string kept_0 = capture(source_, base + 3600000, true);               // day 0
  const std::string brief_1 = capture(brief_source, base + kDay + 3600000, true);  // day 1
  const std::string kept_2 = capture(source_, base + 2 * kDay + 3600000, false);   // day 2
  const std::string brief_2 = capture(brief_source, base + 2 * kDay + 7200000, false);
  store_->events().SyncBatches();

  // org_ keeps everything; every event of org_brief has expired.
  const std::unordered_map<std::string, TimeMs> cutoffs{{org_.id, base},
                                                        {brief.id, base + 3 * kDay}};
  EXPECT_EQ(store_->events().DropExpiredDays(cutoffs), GetParam().name == "Postgres" ? 1 : 0);
  EXPECT_TRUE(store_->events().GetEvent(org_.id, kept_0, false));
  EXPECT_EQ(store_->work().CountWork().pending_deliveries,
            GetParam().name == "Postgres" ? 1 : 2);  // day 0's task stays; day 1's went with it
  EXPECT_TRUE(store_->events().GetEvent(brief.id, brief_2, false));  // day 2 is org_'s too
  store_->events().DeleteEventsBefore(brief.id,
                                      store_->events().ErasureCutoff(cutoffs.at(brief.id)), 100);
  for (const std::string& id : {brief_1, brief_2}) {
    EXPECT_FALSE(store_->events().GetEvent(brief.id, id, false)) << id;
  }
  EXPECT_TRUE(store_->events().GetEvent(org_.id, kept_0, false));
  EXPECT_TRUE(store_->events().GetEvent(org_.id, kept_2, false));
  EXPECT_EQ(store_->work().CountWork().pending_deliveries, 1);
}

TEST_P(StoreDeliveryTest, OldDedupKeysAreDroppedAndErasureFreesAnEventsKey) {
  // One event per batch; window_start 0: any earlier holder counts.
  auto claiming = [&](TimeMs at, const std::string& key_hash) {
    WriteBatch batch;
    batch.events.push_back(Claiming(at, key_hash, 0));
    return std::make_pair(batch.events[0].event->id,
                          store_->events().ApplyBatch(batch).duplicate_of.at(0));
  };
  auto [first, none] = claiming(6000, "k1");
  EXPECT_EQ(none, "");
  claiming(7000, "k2");
  EXPECT_EQ(claiming(8000, "k1").second, first);  // window_start 0: any earlier holder counts
  EXPECT_EQ(store_->events().DeleteDedupKeysBefore(6500, 100), 1);
  EXPECT_EQ(claiming(8001, "k1").second, "");  // k1 was dropped: free again
  std::string k3_holder = claiming(8002, "k3").first;
  EXPECT_TRUE(store_->events().DeleteEvent(org_.id, k3_holder));
  EXPECT_EQ(claiming(8003, "k3").second, "");  // the erased event's key went with it
}

// Each event's standing at a destination follows every kind of attempt: forwarding (through a
// task), replay jobs and manual resends (logged on their own), whatever order they come in.
TEST_P(StoreDeliveryTest, StandingsFollowTheLatestAttemptAndRememberAnySuccess) {
  Event failed_then_resent = CaptureWithTasks(3000, {});
  Event delivered_then_failed = CaptureWithTasks(3001, {});
  Event failed_twice = CaptureWithTasks(3002, {});
  Event never_sent = CaptureWithTasks(3003, {});
  auto manual = [&](const Event& event, TimeMs at, bool success) {
    DeliveryAttempt made = Attempt(event, at, success);
    made.connection_id.reset();
    made.trigger = AttemptTrigger::manual;
    return made;
  };
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(failed_then_resent, 4000, false), {}});
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(delivered_then_failed, 4001, true), {}});
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(failed_twice, 4002, false), {}});
  WriteBatch later;
  later.attempts.push_back(manual(failed_then_resent, 5000, true));
  ReplayProgress replayed;
  replayed.job_id = "job_none";
  replayed.attempt = Attempt(delivered_then_failed, 5001, false, "job_none");
  replayed.attempt->trigger = AttemptTrigger::replay;
  later.replay_progress.push_back(replayed);
  later.attempts.push_back(manual(failed_twice, 5002, false));
  // Another node's attempt, logged after a later one: it cannot become the latest.
  later.attempts.push_back(manual(failed_twice, 4500, true));
  store_->events().ApplyBatch(later);

  auto standings = store_->events().StandingsAtDestination(
      org_.id, destination_.id,
      {failed_then_resent.id, delivered_then_failed.id, failed_twice.id, never_sent.id});
  ASSERT_EQ(standings.size(), 3u);
  EXPECT_TRUE(standings.at(failed_then_resent.id).last_succeeded);
  EXPECT_TRUE(standings.at(failed_then_resent.id).ever_succeeded);
  EXPECT_FALSE(standings.at(delivered_then_failed.id).last_succeeded);
  EXPECT_TRUE(standings.at(delivered_then_failed.id).ever_succeeded);
  EXPECT_FALSE(standings.at(failed_twice.id).last_succeeded);
  EXPECT_TRUE(standings.at(failed_twice.id).ever_succeeded);
  EXPECT_FALSE(standings.contains(never_sent.id));

  // Other destinations and other organizations see nothing of them.
  EXPECT_TRUE(store_->events()
                  .StandingsAtDestination(org_.id, "dst_other", {failed_then_resent.id})
                  .empty());
  EXPECT_TRUE(store_->events()
                  .StandingsAtDestination("org_other", destination_.id, {failed_then_resent.id})
                  .empty());
  // The attempts keep their triggers; erasing the event takes its standing too.
  auto attempts = store_->events().ListAttemptsOfEvent(org_.id, failed_then_resent.id);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].trigger, AttemptTrigger::forward);
  EXPECT_EQ(attempts[1].trigger, AttemptTrigger::manual);
  ASSERT_TRUE(store_->events().DeleteEvent(org_.id, failed_then_resent.id));
  EXPECT_TRUE(store_->events()
                  .StandingsAtDestination(org_.id, destination_.id, {failed_then_resent.id})
                  .empty());
}

// A failed-only replay reads the destination's failures of its range, oldest first, page by
// page from a cursor: an event whose latest attempt there failed, whatever came before it.
TEST_P(StoreDeliveryTest, FailedOnlyPagesHoldTheRangesFailuresAtTheDestinationInEventOrder) {
  Source other_source = MakeSource(org_.id, 2500);
  std::vector<Event> failed;  // what the walk must find, in event order
  auto capture = [&](const Source& source, TimeMs at) {
    auto event = std::make_shared<Event>(MakeEvent(source, at, "body at " + std::to_string(at)));
    WriteBatch batch;
    batch.events.push_back(NewEvent{event, {}, std::nullopt});
    store_->events().ApplyBatch(batch);
    return *event;
  };
  Event before_range = capture(source_, 2999);
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(before_range, 4000, false), {}});
  for (TimeMs at : {3000, 3000, 3000, 3001, 3002, 3002}) {
    Event event = capture(source_, at);
    Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(event, 4000, false), {}});
    failed.push_back(event);
  }
  Event delivered = capture(source_, 3001);
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(delivered, 4000, true), {}});
  Event recovered = capture(source_, 3001);
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(recovered, 4000, false), {}});
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(recovered, 4100, true), {}});
  Event relapsed = capture(source_, 3003);
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(relapsed, 4000, true), {}});
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(relapsed, 4100, false), {}});
  failed.push_back(relapsed);
  Event never_sent = capture(source_, 3003);
  Event elsewhere = capture(source_, 3003);
  DeliveryAttempt to_other = Attempt(elsewhere, 4000, false);
  to_other.destination_id = "dst_other";
  Apply(TaskUpdate{"tsk_gone", connection_.id, to_other, {}});
  Event of_other_source = capture(other_source, 3003);
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(of_other_source, 4000, false), {}});
  Event after_range = capture(source_, 3005);
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(after_range, 4000, false), {}});
  store_->events().SyncBatches();
  std::sort(failed.begin(), failed.end(), [](const Event& a, const Event& b) {
    return std::tie(a.received_at, a.id) < std::tie(b.received_at, b.id);
  });

  ReplayRange range{org_.id, source_.id, 3000, 3004, std::nullopt, 3, true, destination_.id};
  std::vector<Event> walked;
  for (;;) {
    std::vector<Event> page = store_->events().ListEventsForReplay(range);
    if (page.empty()) break;
    EXPECT_LE(page.size(), 3u);
    range.after = Cursor{page.back().received_at, page.back().id};
    for (Event& event : page) walked.push_back(std::move(event));
  }
  ASSERT_EQ(walked.size(), failed.size());
  for (std::size_t i = 0; i < failed.size(); ++i) {
    EXPECT_EQ(walked[i].id, failed[i].id) << i;
    EXPECT_EQ(walked[i].received_at, failed[i].received_at);
    EXPECT_EQ(walked[i].body, "body at " + std::to_string(failed[i].received_at));
    EXPECT_EQ(walked[i].headers.size(), 3u);
  }

  // Any source of the organization; none of another organization's; none at another
  // destination's failures but its own.
  range.after.reset();
  range.source_id.reset();
  range.limit = 100;
  range.with_bodies = false;
  std::vector<Event> any_source = store_->events().ListEventsForReplay(range);
  ASSERT_EQ(any_source.size(), failed.size() + 1);
  EXPECT_EQ(any_source.back().id, std::max(of_other_source.id, relapsed.id));
  EXPECT_TRUE(any_source.back().body.empty());
  range.org_id = "org_other";
  EXPECT_TRUE(store_->events().ListEventsForReplay(range).empty());
  range.org_id = org_.id;
  range.failed_at = "dst_other";
  std::vector<Event> at_other = store_->events().ListEventsForReplay(range);
  ASSERT_EQ(at_other.size(), 1u);
  EXPECT_EQ(at_other[0].id, elsewhere.id);
}

TEST_P(StoreDeliveryTest, ReplaysAreComparedWithTheLastEarlierSendOfTheirEvent) {
  Event forwarded = CaptureWithTasks(3000, {});
  Event replayed = CaptureWithTasks(3001, {});
  Event never_sent = CaptureWithTasks(3002, {});
  ReplayJob job;
  job.id = NewId("job", 3500);
  job.org_id = org_.id;
  job.destination_id = destination_.id;
  job.total = 2;
  job.created_at = job.started_at = 3500;
  store_->replays().InsertReplayJob(job);

  TimeMs at = 4000;
  auto attempt = [&](const Event& event, bool success, std::optional<std::string> job_id,
                     std::optional<ReplayOutcome> outcome) {
    DeliveryAttempt made = Attempt(event, at++, success, std::move(job_id));
    made.outcome = outcome;
    return made;
  };
  // Forwarding failed then succeeded; an earlier job failed to deliver the other event.
  DeliveryAttempt refused = attempt(forwarded, false, std::nullopt, std::nullopt);
  refused.response_body = std::string("busy\0\xff", 6);  // bytes, kept exactly
  Apply(TaskUpdate{"tsk_gone", connection_.id, refused, 9000});
  Apply(TaskUpdate{
      "tsk_gone", connection_.id, attempt(forwarded, true, std::nullopt, std::nullopt), {}});
  ReplayProgress earlier;
  earlier.job_id = "job_earlier";
  earlier.attempt = attempt(replayed, false, "job_earlier", ReplayOutcome::first);
  WriteBatch earlier_job;
  earlier_job.replay_progress.push_back(earlier);
  store_->events().ApplyBatch(earlier_job);

  auto last = store_->replays().LastResultsAtDestination(
      org_.id, destination_.id, {forwarded.id, replayed.id, never_sent.id}, job.id);
  ASSERT_EQ(last.size(), 3u);  // parallel to the ids asked for
  EXPECT_EQ(last[0], true);    // the last of its two attempts
  EXPECT_EQ(last[1], false);
  EXPECT_EQ(last[2], std::nullopt);  // never sent there
  EXPECT_EQ(store_->replays()
                .LastResultsAtDestination(org_.id, "dst_other", {forwarded.id}, job.id)
                .at(0),
            std::nullopt);
  EXPECT_EQ(store_->replays()
                .LastResultsAtDestination("org_other", destination_.id, {forwarded.id}, job.id)
                .at(0),
            std::nullopt);
  // The job's own attempts (one repeated after a crash) are not "earlier".
  EXPECT_EQ(store_->replays()
                .LastResultsAtDestination(org_.id, destination_.id, {replayed.id}, "job_earlier")
                .at(0),
            std::nullopt);

  // The job records its deliveries with their outcomes and counts them.
  ReplayProgress progress;
  progress.job_id = job.id;
  progress.attempt = attempt(forwarded, false, job.id, ReplayOutcome::regressed);
  progress.processed = 1;
  progress.failed = 1;
  progress.regressed = 1;
  WriteBatch batch;
  batch.replay_progress.push_back(progress);
  progress.attempt = attempt(replayed, true, job.id, ReplayOutcome::fixed);
  progress.processed = 2;
  progress.succeeded = 1;
  progress.fixed = 1;
  batch.replay_progress.push_back(progress);
  store_->events().ApplyBatch(batch);
  store_->events().SyncBatches();
  auto stored = store_->replays().GetReplayJob(org_.id, job.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->fixed, 1);
  EXPECT_EQ(stored->regressed, 1);

  PageRequest page;
  auto all = store_->replays().ListAttemptsOfJob(org_.id, job.id, std::nullopt, page);
  ASSERT_EQ(all.items.size(), 2u);
  EXPECT_EQ(all.items[0].event_id, forwarded.id);  // oldest first
  EXPECT_EQ(all.items[0].outcome, ReplayOutcome::regressed);
  EXPECT_EQ(all.items[1].outcome, ReplayOutcome::fixed);
  auto regressed =
      store_->replays().ListAttemptsOfJob(org_.id, job.id, ReplayOutcome::regressed, page);
  ASSERT_EQ(regressed.items.size(), 1u);
  EXPECT_EQ(regressed.items[0].event_id, forwarded.id);
  EXPECT_TRUE(
      store_->replays().ListAttemptsOfJob("org_other", job.id, std::nullopt, page).items.empty());
  page.limit = 1;
  auto first_page = store_->replays().ListAttemptsOfJob(org_.id, job.id, std::nullopt, page);
  ASSERT_EQ(first_page.items.size(), 1u);
  ASSERT_TRUE(first_page.next.has_value());
  page.after = first_page.next;
  auto second_page = store_->replays().ListAttemptsOfJob(org_.id, job.id, std::nullopt, page);
  ASSERT_EQ(second_page.items.size(), 1u);
  EXPECT_EQ(second_page.items[0].event_id, replayed.id);
  // Forwarding attempts carry no outcome.
  auto forwarding = store_->events().ListAttemptsOfEvent(org_.id, forwarded.id);
  EXPECT_FALSE(forwarding[0].outcome.has_value());
  EXPECT_EQ(forwarding[0].response_body, std::string("busy\0\xff", 6));
  EXPECT_EQ(forwarding[1].response_body, "");
}

TEST_P(StoreDeliveryTest, ASingleReplayIsComparedWithSendsToTheSameUrl) {
  Event event = CaptureWithTasks(3000, {});
  const std::string other_url = "https://elsewhere.example.com/hook";
  EXPECT_FALSE(store_->replays().LastResultAtUrl(org_.id, event.id, destination_.url).has_value());

  // Delivered to the destination (whose URL it is) ...
  Apply(TaskUpdate{"tsk_gone", connection_.id, Attempt(event, 3100, true), {}});
  EXPECT_EQ(store_->replays().LastResultAtUrl(org_.id, event.id, destination_.url), true);
  EXPECT_FALSE(store_->replays().LastResultAtUrl(org_.id, event.id, other_url).has_value());
  EXPECT_FALSE(
      store_->replays().LastResultAtUrl("org_other", event.id, destination_.url).has_value());

  // ... then replayed there by hand, and failing: the later send counts.
  SingleReplay replay;
  replay.id = NewId("rpl", 3200);
  replay.org_id = org_.id;
  replay.source_id = source_.id;
  replay.event_id = event.id;
  replay.target_url = destination_.url;
  replay.status_code = 500;
  replay.created_at = 3200;
  replay.outcome = ReplayOutcome::regressed;
  replay.response_body = "internal error";
  store_->replays().InsertSingleReplay(replay);
  EXPECT_EQ(store_->replays().LastResultAtUrl(org_.id, event.id, destination_.url), false);
  auto listed = store_->replays().ListSingleReplays(org_.id, event.id);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].outcome, ReplayOutcome::regressed);
  EXPECT_EQ(listed[0].response_body, "internal error");
}

// Traffic rollups are written with the batch: stored events (not a dropped duplicate) at their
// source and at each destination they were routed to, attempts (not a skipped one) at their
// destination by latency class; read back per bucket size, within the org only.
TEST_P(StoreDeliveryTest, TrafficRollupsCountWhatEachBatchStored) {
  const TimeMs minute = 10 * kMinuteMs;
  WriteBatch captured;
  for (TimeMs at : {minute + 5, minute + 9}) {
    auto event = std::make_shared<Event>(MakeEvent(source_, at));
    captured.events.push_back({event, {MakeTask(*event, connection_, at)}, std::nullopt});
  }
  captured.events.push_back(Claiming(minute + 20, "key", 0));
  store_->events().ApplyBatch(captured);
  WriteBatch repeated;
  repeated.events.push_back(Claiming(minute + 30, "key", 0));  // a duplicate: not stored
  ASSERT_EQ(store_->events().ApplyBatch(repeated).duplicate_of.size(), 1u);

  const Event& first = *captured.events[0].event;
  WriteBatch attempts;
  DeliveryAttempt fast = Attempt(first, minute + 100, true);
  fast.source_id = source_.id;
  fast.response_time_ms = 40;
  DeliveryAttempt refused = Attempt(first, minute + kMinuteMs + 1, false);
  refused.source_id = source_.id;
  DeliveryAttempt skipped = Attempt(first, minute + 200, false);
  skipped.source_id = source_.id;
  skipped.skipped = true;
  attempts.attempts = {fast, refused, skipped};
  store_->events().ApplyBatch(attempts);
  store_->events().SyncBatches();

  TrafficQuery query{.org_id = org_.id,
                     .from = minute,
                     .to = minute + 2 * kMinuteMs,
                     .bucket_ms = kMinuteMs,
                     .source_id = std::nullopt,
                     .destination_id = std::nullopt};
  auto series = [&] { return FoldTraffic(query, store_->traffic().ListTraffic(query)); };
  std::vector<TrafficPoint> points = series();
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].t, minute);
  EXPECT_EQ(points[0].captured, 3);
  EXPECT_EQ(points[0].delivered, 1);
  EXPECT_EQ(points[0].failed, 0);
  EXPECT_EQ(points[0].p50_ms, 40);  // one attempt in the 30-50 ms class: its midpoint
  EXPECT_EQ(points[1].captured, 0);
  EXPECT_EQ(points[1].failed, 1);
  EXPECT_EQ(points[1].p50_ms, std::nullopt);  // no response: no response time

  query.destination_id = destination_.id;  // captured: the events routed to it
  points = series();
  EXPECT_EQ(points[0].captured, 3);
  EXPECT_EQ(points[0].delivered + points[1].failed, 2);

  query.bucket_ms = kHourMs;
  query.from = 0;
  query.to = kHourMs;
  query.destination_id.reset();
  query.source_id = source_.id;
  points = series();
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].captured, 3);
  EXPECT_EQ(points[0].delivered, 1);
  EXPECT_EQ(points[0].failed, 1);

  query.org_id = "org_other";
  EXPECT_TRUE(store_->traffic().ListTraffic(query).empty());

  query.org_id = org_.id;
  EXPECT_GT(store_->traffic().DeleteTrafficBefore(org_.id, kHourMs, 500), 0);
  EXPECT_TRUE(store_->traffic().ListTraffic(query).empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreDeliveryTest, ::testing::ValuesIn(AllStores()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rehook
