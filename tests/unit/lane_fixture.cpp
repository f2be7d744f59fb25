#include "unit/lane_fixture.h"

#include <algorithm>
#include <chrono>

#include "common/ids.h"

namespace rehook::testing {

bool Eventually(const std::function<bool()>& condition) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

namespace {

OutboundClientOptions LoopbackAllowed() {
  OutboundClientOptions options;
  options.allow_private_targets = true;  // the sink is on 127.0.0.1
  return options;
}

}  // namespace

LaneTest::LaneTest()
    : store_(dir_.path() + "/test.db"), outbound_(MakeOutboundShared(LoopbackAllowed())) {
  const TimeMs now = clock_.Now();
  org_ = Organization{NewId("org", now), "acme", 30, now};
  store_.tenancy().InsertOrganization(org_);
  source_ = Source{NewId("src", now), org_.id, "shop", "{}", now, now};
  store_.configuration().InsertSource(source_);
  destination_.id = NewId("dst", now);
  destination_.org_id = org_.id;
  destination_.name = "orders";
  destination_.url = sink_.url() + "/hook";
  destination_.created_at = destination_.updated_at = now;
  store_.configuration().InsertDestination(destination_);
  connection_ = Connection{.id = NewId("con", now),
                           .org_id = org_.id,
                           .source_id = source_.id,
                           .destination_id = destination_.id,
                           .filter_json = "",
                           .transformation_id = "",
                           .created_at = now,
                           .updated_at = now};
  store_.configuration().InsertConnection(connection_);
  sink_.SetPolicy([this](const SinkRequest&, int index) {
    std::lock_guard lock(mutex_);
    arrivals_.push_back(clock_.Now());
    SinkResponse response;
    response.status = statuses_[std::min<std::size_t>(index, statuses_.size() - 1)];
    response.headers = headers_;
    return response;
  });
}

LaneTest::~LaneTest() {
  if (lane_thread_.joinable()) {
    ADD_FAILURE() << "the derived fixture did not call StopLane()";
    lane_.stop();
    lane_thread_.join();
  }
}

void LaneTest::RunLane() {
  lane_thread_ = std::thread([this] { lane_.run(); });
}

void LaneTest::StopLane(const std::function<void()>& stop) {
  stop();
  if (!Eventually([this] { return lane_.stopped(); })) {
    ADD_FAILURE() << "the lane still had work ten seconds after the component stopped";
    lane_.stop();
  }
  lane_thread_.join();
  sink_.Stop();
  writer_.Stop();
  executor_.Stop();
}

LaneTest::Captured LaneTest::Capture(TimeMs at, bool task) {
  auto event = std::make_shared<Event>();
  event->id = NewId("evt", at);
  event->org_id = org_.id;
  event->source_id = source_.id;
  event->received_at = at;
  event->method = "POST";
  event->path = "/hook";
  event->headers = {{"Content-Type", "application/json"}};
  event->body = R"({"order":1})";
  event->size = static_cast<std::int64_t>(event->body.size());
  NewEvent item{event, {}, std::nullopt};
  Captured captured;
  if (task) {
    DeliveryTask delivery;
    delivery.id = NewId("tsk", at);
    delivery.org_id = org_.id;
    delivery.event_id = event->id;
    delivery.destination_id = destination_.id;
    delivery.connection_id = connection_.id;
    delivery.next_attempt_at = at;
    delivery.created_at = at;
    item.tasks.push_back(delivery);
    captured.task_id = delivery.id;
  }
  WriteBatch batch;
  batch.events.push_back(std::move(item));
  store_.events().ApplyBatch(batch);
  store_.events().SyncBatches();
  captured.event = *event;
  return captured;
}

std::vector<DeliveryAttempt> LaneTest::Attempts(const std::string& event_id) {
  return store_.events().ListAttemptsOfEvent(org_.id, event_id);
}

bool LaneTest::TaskFreeAndDueBy(const std::string& task_id, TimeMs at) {
  std::vector<DeliveryTask> claimed = store_.work().ClaimDueTasks(at, "test-probe", at + 1, 1000);
  store_.work().ReleaseLeases("test-probe");
  return std::any_of(claimed.begin(), claimed.end(),
                     [&](const DeliveryTask& task) { return task.id == task_id; });
}

// Asleep: every wait ended by the last Advance() has been followed by the next one. Suits a
// lane whose timers loop (the forwarder's poller); others wait for what they expect instead.
bool LaneTest::LaneAsleep() const {
  std::optional<TimeMs> next = timers_.NextDeadline();
  return next && *next > clock_.Now();
}

void LaneTest::Advance(TimeMs delta) {
  timers_.Advance(delta);
  ASSERT_TRUE(Eventually([this] { return LaneAsleep(); }))
      << "the lane did not go back to waiting at " << clock_.Now() - kStart << " ms";
}

void LaneTest::AdvanceTo(TimeMs until) {
  while (clock_.Now() < until && !HasFatalFailure()) {
    std::optional<TimeMs> next = timers_.NextDeadline();
    Advance((next && *next < until ? *next : until) - clock_.Now());
  }
}

std::vector<TimeMs> LaneTest::Arrivals() const {
  std::lock_guard lock(mutex_);
  return arrivals_;
}

void LaneTest::AnswerWith(std::vector<int> statuses, std::vector<HeaderField> headers) {
  std::lock_guard lock(mutex_);
  statuses_ = std::move(statuses);
  headers_ = std::move(headers);
}

}  // namespace rehook::testing
