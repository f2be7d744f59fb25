#pragma once
// GET /metrics: what rehook counted (Metrics), what the store holds right now (pending
// deliveries and retries, replay jobs by status: asked at scrape time, so right across restarts
// and nodes), this node's circuits and its group commits, in Prometheus text format.
//
// Two ways to scrape it. Without --metrics-token it is open like /healthz, as scrapers expect,
// and names no tenant: no destination or replay job ids, only totals. With a token set, it
// answers only `Authorization: Bearer <token>` (401 otherwise), and then also gives the series
// per destination circuit and per replay job.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <utility>
#include <vector>

#include "delivery/circuit_breaker.h"
#include "http/http_types.h"
#include "metrics/metrics.h"
#include "store/batch_writer.h"
#include "store/queries.h"
#include "store/roles/work_leases.h"
#include "store/store_executor.h"

namespace rehook {

// Everything on the page that is read rather than counted.
struct MetricsSnapshot {
  WorkCounts work;
  std::vector<std::pair<std::string, CircuitSnapshot>> circuits;
  std::vector<ReplayPaceBoard::Pace> replay_paces;  // jobs running on this node
  std::size_t commit_batches = 0;
  std::size_t fsyncs = 0;
};

// Whether the page may name tenants' destinations and jobs.
enum class MetricsScope { totals_only, per_tenant };

std::string RenderMetrics(const Metrics& metrics, const MetricsSnapshot& snapshot,
                          MetricsScope scope);

class MetricsPage {
 public:
  // `token`: the scrape token (--metrics-token); empty for an open page of totals.
  MetricsPage(const Metrics& metrics, StoreRole<WorkLeases> work, CircuitBreakers& breakers,
              const BatchWriter& writer, std::string token)
      : metrics_(metrics),
        work_(work),
        breakers_(breakers),
        writer_(writer),
        token_(std::move(token)) {}

  boost::asio::awaitable<HttpResponse> Serve(const HttpRequest& request);

 private:
  const Metrics& metrics_;
  StoreRole<WorkLeases> work_;
  CircuitBreakers& breakers_;
  const BatchWriter& writer_;
  std::string token_;
};

}  // namespace rehook
