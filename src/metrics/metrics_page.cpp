#include "metrics/metrics_page.h"

#include "common/encoding.h"
#include "http/api_error.h"
#include "metrics/prometheus_text.h"

namespace rehook {
namespace {

void WriteCapture(PrometheusText& out, const Metrics& metrics) {
  out.Family("rehook_captured_events_total", "counter",
             "Webhooks captured and acknowledged (200) after their commit.");
  out.Sample("rehook_captured_events_total", {}, metrics.captured_events().value());
  out.Family("rehook_capture_duration_seconds", "histogram",
             "From a complete capture request to its acknowledgement (includes the group commit).");
  out.HistogramSamples("rehook_capture_duration_seconds", {}, metrics.capture_seconds().Read());
  out.Family("rehook_capture_unverified_total", "counter",
             "Capture requests that failed their source's signature check (refused or recorded).");
  out.Sample("rehook_capture_unverified_total", {}, metrics.unverified_captures().value());
  out.Family("rehook_capture_duplicates_total", "counter",
             "Capture requests answered with an earlier event's id (dedup key already held).");
  out.Sample("rehook_capture_duplicates_total", {}, metrics.duplicate_captures().value());
  out.Family("rehook_capture_loops_refused_total", "counter",
             "Capture requests refused as rehook's own deliveries coming back (delivery loops).");
  out.Sample("rehook_capture_loops_refused_total", {}, metrics.loops_refused().value());
}

void WriteStreams(PrometheusText& out, const Metrics& metrics) {
  out.Family("rehook_event_streams", "gauge", "Live event streams open on this node.");
  out.Sample("rehook_event_streams", {}, metrics.open_streams());
  out.Family("rehook_events_streamed_total", "counter", "Events sent on live event streams.");
  out.Sample("rehook_events_streamed_total", {}, metrics.events_streamed().value());
  out.Family("rehook_event_streams_closed_slow_total", "counter",
             "Live event streams ended because their client did not keep up.");
  out.Sample("rehook_event_streams_closed_slow_total", {}, metrics.slow_streams_closed().value());
}

void WriteDeliveries(PrometheusText& out, const Metrics& metrics) {
  out.Family("rehook_deliveries_total", "counter",
             "Requests sent to destinations and target URLs, by why they were sent (forward, "
             "replay_job, request_replay, manual) and outcome.");
  for (DeliveryKind kind : kDeliveryKinds) {
    for (bool success : {true, false}) {
      out.Sample("rehook_deliveries_total",
                 {{"kind", DeliveryKindName(kind)}, {"outcome", success ? "success" : "failure"}},
                 metrics.deliveries(kind, success).value());
    }
  }
  out.Family("rehook_delivery_duration_seconds", "histogram",
             "Response time of destinations and target URLs (attempts that got no response "
             "count with the time spent).");
  for (DeliveryKind kind : kDeliveryKinds) {
    out.HistogramSamples("rehook_delivery_duration_seconds", {{"kind", DeliveryKindName(kind)}},
                         metrics.delivery_seconds(kind).Read());
  }
}

void WriteWork(PrometheusText& out, const WorkCounts& work) {
  out.Family("rehook_pending_deliveries", "gauge",
             "Deliveries waiting in the store for their first attempt or a retry (all nodes).");
  out.Sample("rehook_pending_deliveries", {}, static_cast<double>(work.pending_deliveries));
  out.Family("rehook_pending_retries", "gauge",
             "Pending deliveries that have failed at least once and wait for a retry.");
  out.Sample("rehook_pending_retries", {}, static_cast<double>(work.pending_retries));
  out.Family("rehook_replay_jobs", "gauge", "Replay jobs in the store by status (all nodes).");
  for (ReplayStatus status : kReplayStatuses) {
    out.Sample("rehook_replay_jobs", {{"status", ReplayStatusName(status)}},
               static_cast<double>(work.replay_jobs[static_cast<std::size_t>(status)]));
  }
}

void WriteCircuitTotals(PrometheusText& out,
                        const std::vector<std::pair<std::string, CircuitSnapshot>>& circuits) {
  constexpr CircuitState kStates[] = {CircuitState::closed, CircuitState::open,
                                      CircuitState::half_open};
  out.Family("rehook_circuits", "gauge",
             "Destinations this node has delivered to, by the state of their circuit breaker.");
  for (CircuitState state : kStates) {
    std::uint64_t count = 0;
    for (const auto& circuit : circuits) count += circuit.second.state == state;
    out.Sample("rehook_circuits", {{"state", CircuitStateName(state)}}, count);
  }
}

void WriteOpenCircuits(PrometheusText& out,
                       const std::vector<std::pair<std::string, CircuitSnapshot>>& circuits) {
  out.Family("rehook_circuit_open", "gauge",
             "1 for each destination whose circuit is open or half-open (absent when closed).");
  for (const auto& [destination, circuit] : circuits) {
    if (circuit.state == CircuitState::closed) continue;
    out.Sample("rehook_circuit_open",
               {{"destination_id", destination}, {"state", CircuitStateName(circuit.state)}},
               std::uint64_t{1});
  }
}

void WriteReplayPaces(PrometheusText& out, const std::vector<ReplayPaceBoard::Pace>& paces) {
  out.Family(
      "rehook_replay_job_rate", "gauge",
      "Deliveries per second a replay job running on this node achieved over the last 10 s.");
  for (const auto& pace : paces) {
    out.Sample("rehook_replay_job_rate", {{"job_id", pace.job_id}}, pace.achieved_per_second);
  }
  out.Family("rehook_replay_job_rate_limit", "gauge", "The rate_limit of that replay job.");
  for (const auto& pace : paces) {
    out.Sample("rehook_replay_job_rate_limit", {{"job_id", pace.job_id}},
               static_cast<double>(pace.rate_limit));
  }
  out.Family("rehook_replay_job_lag_seconds", "gauge",
             "How late the job's latest delivery started compared with its schedule (0: on pace; "
             "grows when the destination answers slower than the rate allows).");
  for (const auto& pace : paces) {
    out.Sample("rehook_replay_job_lag_seconds", {{"job_id", pace.job_id}}, pace.lag_seconds);
  }
}

void WriteHttp(PrometheusText& out, const Metrics& metrics) {
  out.Family("rehook_http_responses_total", "counter",
             "HTTP responses by area (capture /in, api /v1, other) and status class.");
  for (HttpArea area : kHttpAreas) {
    for (std::size_t status_class = 0; status_class < kStatusClasses.size(); ++status_class) {
      out.Sample("rehook_http_responses_total",
                 {{"area", HttpAreaName(area)}, {"code", kStatusClasses[status_class]}},
                 metrics.responses(area, status_class).value());
    }
  }
  out.Family("rehook_http_request_duration_seconds", "histogram",
             "Time to handle a complete request, by area.");
  for (HttpArea area : kHttpAreas) {
    out.HistogramSamples("rehook_http_request_duration_seconds", {{"area", HttpAreaName(area)}},
                         metrics.request_seconds(area).Read());
  }
}

void WriteStore(PrometheusText& out, const MetricsSnapshot& snapshot) {
  out.Family("rehook_store_commit_batches_total", "counter",
             "Group-commit transactions (captures, delivery outcomes, replay progress).");
  out.Sample("rehook_store_commit_batches_total", {},
             static_cast<std::uint64_t>(snapshot.commit_batches));
  out.Family("rehook_store_fsyncs_total", "counter", "fsyncs that made those batches durable.");
  out.Sample("rehook_store_fsyncs_total", {}, static_cast<std::uint64_t>(snapshot.fsyncs));
}

}  // namespace

std::string RenderMetrics(const Metrics& metrics, const MetricsSnapshot& snapshot,
                          MetricsScope scope) {
  PrometheusText out;
  WriteCapture(out, metrics);
  WriteStreams(out, metrics);
  WriteDeliveries(out, metrics);
  WriteWork(out, snapshot.work);
  WriteCircuitTotals(out, snapshot.circuits);
  if (scope == MetricsScope::per_tenant) {
    WriteOpenCircuits(out, snapshot.circuits);
    WriteReplayPaces(out, snapshot.replay_paces);
  }
  WriteHttp(out, metrics);
  WriteStore(out, snapshot);
  return out.text();
}

boost::asio::awaitable<HttpResponse> MetricsPage::Serve(const HttpRequest& request) {
  MetricsScope scope = MetricsScope::totals_only;
  if (!token_.empty()) {
    const auto authorization = request.Header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (!authorization || authorization->size() <= kBearer.size() ||
        !EqualsIgnoreCase(authorization->substr(0, kBearer.size()), kBearer) ||
        !ConstantTimeEquals(authorization->substr(kBearer.size()), token_)) {
      throw ApiError::Unauthorized(
          "/metrics needs the scrape token: Authorization: Bearer <--metrics-token>");
    }
    scope = MetricsScope::per_tenant;
  }
  MetricsSnapshot snapshot;
  snapshot.work = co_await work_.Run([](WorkLeases& store) { return store.CountWork(); });
  snapshot.circuits = breakers_.SnapshotAll();
  snapshot.replay_paces = metrics_.replay_paces().Read(std::chrono::steady_clock::now());
  snapshot.commit_batches = writer_.batches_committed();
  snapshot.fsyncs = writer_.syncs();
  co_return HttpResponse::Text(200, "text/plain; version=0.0.4; charset=utf-8",
                               RenderMetrics(metrics_, snapshot, scope));
}

}  // namespace rehook
