#pragma once
// GET /metrics: what rehook counted (Metrics), what the store holds right now (pending
// deliveries and retries, replay jobs by status: asked at scrape time, so right across restarts
// and nodes), this node's circuits and its group commits, in Prometheus text format.
// Unauthenticated like /healthz, as scrapers expect; it names no tenant data beyond opaque
// destination ids of circuits that are not closed.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <utility>
#include <vector>

#include "delivery/circuit_breaker.h"
#include "http/http_types.h"
#include "metrics/metrics.h"
#include "store/batch_writer.h"
#include "store/model.h"
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

std::string RenderMetrics(const Metrics& metrics, const MetricsSnapshot& snapshot);

class MetricsPage {
 public:
  MetricsPage(const Metrics& metrics, StoreExecutor& store, CircuitBreakers& breakers,
              const BatchWriter& writer)
      : metrics_(metrics), store_(store), breakers_(breakers), writer_(writer) {}

  boost::asio::awaitable<HttpResponse> Serve();

 private:
  const Metrics& metrics_;
  StoreExecutor& store_;
  CircuitBreakers& breakers_;
  const BatchWriter& writer_;
};

}  // namespace rehook
