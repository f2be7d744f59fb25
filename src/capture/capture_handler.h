#pragma once
// Capture: any request to /in/{source_id}[/sub/path] is stored exactly as it arrived and
// answered 200 {"id":"evt_..."} only once it is durable (group commit through EventWriter).

#include <boost/asio/awaitable.hpp>

#include "capture/source_cache.h"
#include "common/clock.h"
#include "http/http_types.h"
#include "store/event_writer.h"
#include "store/store_executor.h"

namespace rehook {

class CaptureHandler {
 public:
  CaptureHandler(StoreExecutor& store, EventWriter& writer, SourceCache& sources,
                 const Clock& clock)
      : store_(store), writer_(writer), sources_(sources), clock_(clock) {}

  // `request.path` starts with "/in/". Throws ApiError for unknown sources.
  boost::asio::awaitable<HttpResponse> Handle(HttpRequest& request);

 private:
  boost::asio::awaitable<std::optional<Source>> FindSource(const std::string& id);

  StoreExecutor& store_;
  EventWriter& writer_;
  SourceCache& sources_;
  const Clock& clock_;
};

// Splits "/in/src_x/a/b" into ("src_x", "/a/b"); the sub-path is "/" when absent.
std::pair<std::string, std::string> SplitIngestPath(std::string_view path);

}  // namespace rehook
