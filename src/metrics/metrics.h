#pragma once
// Everything rehook counts as it runs, in one place, for /metrics. One instance lives in the
// Application and is handed by reference to the parts that count (capture, forwarder, replay,
// the HTTP server). Gauges that describe stored state (pending retries, replay jobs by status)
// are not kept here: MetricsPage asks the store for them at scrape time, so they are right
// across restarts and across nodes.

#include <array>
#include <string_view>

#include "delivery/delivery_counter.h"
#include "metrics/instruments.h"
#include "metrics/replay_pace.h"

namespace rehook {

// Which part of the server answered an HTTP request.
enum class HttpArea { capture, api, other };
constexpr std::array<HttpArea, 3> kHttpAreas = {HttpArea::capture, HttpArea::api, HttpArea::other};
std::string_view HttpAreaName(HttpArea area);
HttpArea AreaOfPath(std::string_view path);

// Status classes counted per area: 1xx is never answered by a handler.
constexpr std::array<std::string_view, 4> kStatusClasses = {"2xx", "3xx", "4xx", "5xx"};

class Metrics final : public DeliveryCounter {
 public:
  Metrics();

  // A webhook acknowledged with 200 after its commit; `seconds` from request head to answer.
  void CountCapture(double seconds);
  // A capture request that failed its source's signature check (refused or recorded).
  void CountUnverifiedCapture() { unverified_captures_.Add(); }
  // A capture request answered with an earlier event's id (its dedup key was taken).
  void CountDuplicateCapture() { duplicate_captures_.Add(); }
  void CountLoopRefused() { loops_refused_.Add(); }
  void CountDelivery(DeliveryKind kind, bool success, double seconds) override;
  void CountResponse(std::string_view path, int status, double seconds);
  // Live streams (GET /v1/events/stream): opened and ended, events sent, and those ended
  // because their client read too slowly.
  void CountStreamOpened() { streams_opened_.Add(); }
  void CountStreamClosed() { streams_closed_.Add(); }
  void CountStreamed(std::uint64_t events) { events_streamed_.Add(events); }
  void CountSlowStreamClosed() { slow_streams_closed_.Add(); }

  const Counter& captured_events() const { return captured_events_; }
  const Histogram& capture_seconds() const { return capture_seconds_; }
  const Counter& unverified_captures() const { return unverified_captures_; }
  const Counter& duplicate_captures() const { return duplicate_captures_; }
  const Counter& loops_refused() const { return loops_refused_; }
  const Counter& deliveries(DeliveryKind kind, bool success) const {
    return deliveries_[Index(kind)][success ? 1 : 0];
  }
  const Histogram& delivery_seconds(DeliveryKind kind) const {
    return delivery_seconds_[Index(kind)];
  }
  const Counter& responses(HttpArea area, std::size_t status_class) const {
    return responses_[Index(area)][status_class];
  }
  const Histogram& request_seconds(HttpArea area) const { return request_seconds_[Index(area)]; }
  std::uint64_t open_streams() const { return streams_opened_.value() - streams_closed_.value(); }
  const Counter& events_streamed() const { return events_streamed_; }
  const Counter& slow_streams_closed() const { return slow_streams_closed_; }

  // The pace of each replay job running on this node.
  ReplayPaceBoard& replay_paces() { return replay_paces_; }
  const ReplayPaceBoard& replay_paces() const { return replay_paces_; }

 private:
  static std::size_t Index(DeliveryKind kind) { return static_cast<std::size_t>(kind); }
  static std::size_t Index(HttpArea area) { return static_cast<std::size_t>(area); }

  Counter captured_events_;
  Histogram capture_seconds_;
  Counter unverified_captures_;
  Counter duplicate_captures_;
  Counter loops_refused_;
  std::array<std::array<Counter, 2>, kDeliveryKinds.size()> deliveries_;
  std::array<Histogram, kDeliveryKinds.size()> delivery_seconds_;
  std::array<std::array<Counter, kStatusClasses.size()>, kHttpAreas.size()> responses_;
  std::array<Histogram, kHttpAreas.size()> request_seconds_;
  ReplayPaceBoard replay_paces_;
  Counter streams_opened_;
  Counter streams_closed_;
  Counter events_streamed_;
  Counter slow_streams_closed_;
};

}  // namespace rehook
