#pragma once
// Capture: any request to /in/{source_id}[/sub/path] is stored exactly as it arrived, together
// with the deliveries its source's connections route it to, and answered 200 {"id":"evt_..."}
// only once durable (group commit through BatchWriter). Then the deliveries go straight to the
// forwarder.
//
// A source's capture rules apply first: a request failing its signature check is refused with
// 401 (or stored with verified:false and forwarded nowhere, when the source records failures),
// and a request whose dedup key an earlier event holds is answered with that event's id,
// {"id":"evt_...","duplicate":true}, without storing or forwarding anything.

#include <boost/asio/awaitable.hpp>

#include "capture/source_cache.h"
#include "common/clock.h"
#include "delivery/forwarder.h"
#include "delivery/routing.h"
#include "http/http_types.h"
#include "metrics/metrics.h"
#include "store/batch_writer.h"
#include "store/roles/configuration_store.h"
#include "store/store_executor.h"

namespace rehook {

class CaptureHandler {
 public:
  struct Parts {
    StoreRole<ConfigurationStore> configuration;
    BatchWriter& writer;
    SourceCache& sources;
    RouteCache& routes;
    Forwarder& forwarder;
    const Clock& clock;
    TaskOwner owner;
    Metrics& metrics;
  };

  explicit CaptureHandler(Parts parts) : parts_(std::move(parts)) {}

  // `request.path` starts with "/in/". Throws ApiError for unknown sources.
  boost::asio::awaitable<HttpResponse> Handle(HttpRequest& request);

  // Before a capture's body is read: does its ingest path name a source? KnownSource answers
  // from the cache (nullopt: not cached); SourceExists looks it up.
  std::optional<bool> KnownSource(std::string_view path);
  boost::asio::awaitable<bool> SourceExists(std::string_view path);

 private:
  // Cache misses: read from the store and fill the cache. A null source: no such source.
  boost::asio::awaitable<std::shared_ptr<const CaptureSource>> LoadSource(const std::string& id);
  boost::asio::awaitable<std::shared_ptr<const SourceRoutes>> LoadRoutes(const std::string& id);

  Parts parts_;
};

// Splits "/in/src_x/a/b" into ("src_x", "/a/b"); the sub-path is "/" when absent.
std::pair<std::string, std::string> SplitIngestPath(std::string_view path);

}  // namespace rehook
