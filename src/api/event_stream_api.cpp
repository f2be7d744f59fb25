// GET /v1/events/stream: captured events as Server-Sent Events, from where the client left off
// (Last-Event-ID or ?after=, or ?since=) and then live. The stream itself is the live layer's
// (live/live_tail.h); this handler checks the request, subscribes, and writes what comes in
// the SSE format.
#include <boost/json/serialize.hpp>

#include <limits>

#include "api/event_json.h"
#include "api/event_lookup.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "common/log.h"
#include "http/api_error.h"
#include "live/live_tail.h"

namespace rehook {
namespace {

// Where a stream starts: after the client's last event, from a time, or now (nullopt).
boost::asio::awaitable<std::optional<CommitPosition>> ResumePosition(ApiRequest& request,
                                                                     const StreamInterest& want) {
  std::optional<std::string> after;
  std::string field = "Last-Event-ID";
  if (auto header = request.http.Header("last-event-id"); header && !header->empty()) {
    after = std::string(*header);
  } else if (auto query = request.Query("after"); query && !query->empty()) {
    after = std::move(*query);
    field = "after";
  }
  const std::string& org_id = request.principal.org_id;
  if (after) {
    auto position = co_await request.services.events.Run(
        [&](EventLog& log) { return log.PositionOf(org_id, *after); });
    if (!position) {
      throw ApiError::NotFound(field + ": event '" + *after +
                               "' does not exist (erased, or never captured)");
    }
    co_return position;
  }
  std::optional<TimeMs> since = ParseTimeQuery(request, "since");
  if (!since) co_return std::nullopt;
  // Just before the first event received since then (in commit order, give or take the
  // events committed together with it).
  co_return co_await request.services.events.Run([&](EventLog& log) {
    ReplayRange range;
    range.org_id = org_id;
    range.source_id = want.source_id;
    range.from = *since;
    range.to = std::numeric_limits<TimeMs>::max();
    range.limit = 1;
    std::vector<Event> first = log.ListEventsForReplay(range);
    if (first.empty()) return std::optional<CommitPosition>(log.LatestPosition());
    std::optional<CommitPosition> position = log.PositionOf(org_id, first.front().id);
    if (position) position->id.clear();  // the commit's events from its first on
    return position;
  });
}

std::string SseEvent(const Event& event) {
  return "id: " + event.id +
         "\nevent: event\ndata: " + boost::json::serialize(EventJson(event, true)) + "\n\n";
}

// Ends a stream the feed stopped serving, saying why, so the client knows to resume.
std::string SseClose(FeedEnd end, const std::string& last_event_id) {
  boost::json::object data{{"reason", end == FeedEnd::overflowed ? "slow_reader" : "shutdown"}};
  data["last_event_id"] =
      last_event_id.empty() ? boost::json::value(nullptr) : boost::json::value(last_event_id);
  return "event: close\ndata: " + boost::json::serialize(data) + "\n\n";
}

struct OpenStream {
  ApiServices& services;
  std::shared_ptr<Subscription> subscription;
  std::shared_ptr<LiveTail> tail;
  std::string last_event_id;

  boost::asio::awaitable<void> Run(std::shared_ptr<BodyStream> body) {
    Metrics& metrics = services.metrics;
    metrics.CountStreamOpened();
    // A client that stopped reading leaves the write stuck: the feed ends it when its inbox
    // overflows.
    subscription->OnOverflow([weak = std::weak_ptr<BodyStream>(body)] {
      if (auto stream = weak.lock()) stream->Abort();
    });
    FeedEnd end = FeedEnd::none;
    bool open = co_await body->Write(": rehook event stream\nretry: 2000\n\n");
    while (open) {
      const auto deadline = std::chrono::steady_clock::now() + services.stream_heartbeat;
      TailStep step = co_await tail->Next(deadline);
      if (step.end != FeedEnd::none) {
        end = step.end;
        co_await body->Write(SseClose(end, last_event_id));
        break;
      }
      if (step.events.empty()) {
        open = co_await body->Write(":\n\n");  // heartbeat
        continue;
      }
      std::string chunk;
      for (const SharedEvent& event : step.events) chunk += event->Rendered(SseEvent);
      open = co_await body->Write(std::move(chunk));
      if (open) {
        last_event_id = step.events.back()->event.id;
        metrics.CountStreamed(step.events.size());
      }
    }
    if (end == FeedEnd::none && subscription->Take().end == FeedEnd::overflowed) {
      end = FeedEnd::overflowed;
    }
    if (end == FeedEnd::overflowed) {
      metrics.CountSlowStreamClosed();
      log::Warn("live.stream_slow",
                {{"org_id", subscription->interest().org_id}, {"last_event_id", last_event_id}});
    }
    services.live_feed.Unsubscribe(subscription);
    metrics.CountStreamClosed();
  }
};

boost::asio::awaitable<HttpResponse> StreamEvents(ApiRequest& request) {
  StreamInterest interest;
  interest.org_id = request.principal.org_id;
  if (auto source_id = request.Query("source_id"); source_id && !source_id->empty()) {
    co_await RequireSource(request, *source_id, "source_id");
    interest.source_id = std::move(*source_id);
  }
  interest.filter = ParseFilterQuery(request, "filter");
  std::optional<CommitPosition> resume_after = co_await ResumePosition(request, interest);

  ApiServices& services = request.services;
  auto executor = co_await boost::asio::this_coro::executor;
  // Subscribed before anything stored is read: the seam (live/live_tail.h).
  // (Set inside rather than returned: GCC's -O3 sees a maybe-uninitialized shared_ptr in an
  // awaited std::optional<std::shared_ptr<...>>.)
  std::shared_ptr<Subscription> subscription;
  co_await services.events.Run([&](EventLog&) {
    subscription = services.live_feed.Subscribe(std::move(interest), executor);
    return true;
  });
  auto stream = std::make_shared<OpenStream>(OpenStream{
      services, subscription,
      std::make_shared<LiveTail>(services.events, services.writer, subscription, resume_after),
      resume_after && resume_after->id.starts_with("evt_") ? resume_after->id : std::string()});

  HttpResponse response;
  response.headers = {{"Content-Type", "text/event-stream"},
                      {"Cache-Control", "no-store"},
                      {"X-Accel-Buffering", "no"}};  // nginx: pass events on as they come
  response.stream = [stream](std::shared_ptr<BodyStream> body) { return stream->Run(body); };
  co_return response;
}

}  // namespace

void AddEventStreamRoutes(ApiRouter& router) {
  // Before /v1/events/{id}, which would take "stream" for an id.
  router.Add("GET", "/v1/events/stream", {Permission::read, StreamEvents});
}

}  // namespace rehook
