#include "metrics/metrics.h"

#include "common/enum_names.h"

namespace rehook {

namespace {

constexpr EnumNames<HttpArea, 3> kAreaNames{{
    {HttpArea::other, "other"},
    {HttpArea::capture, "capture"},
    {HttpArea::api, "api"},
}};

}  // namespace

std::string_view HttpAreaName(HttpArea area) { return NameOf(kAreaNames, area); }

HttpArea AreaOfPath(std::string_view path) {
  if (path.substr(0, 4) == "/in/") return HttpArea::capture;
  if (path == "/v1" || path.substr(0, 4) == "/v1/") return HttpArea::api;
  return HttpArea::other;
}

Metrics::Metrics()
    : capture_seconds_(LatencyBuckets()),
      delivery_seconds_{Histogram(LatencyBuckets()), Histogram(LatencyBuckets()),
                        Histogram(LatencyBuckets()), Histogram(LatencyBuckets())},
      request_seconds_{Histogram(LatencyBuckets()), Histogram(LatencyBuckets()),
                       Histogram(LatencyBuckets())} {}

void Metrics::CountCapture(double seconds) {
  captured_events_.Add();
  capture_seconds_.Observe(seconds);
}

void Metrics::CountDelivery(DeliveryKind kind, bool success, double seconds) {
  deliveries_[Index(kind)][success ? 1 : 0].Add();
  delivery_seconds_[Index(kind)].Observe(seconds);
}

void Metrics::CountResponse(std::string_view path, int status, double seconds) {
  HttpArea area = AreaOfPath(path);
  std::size_t status_class = status < 300 ? 0 : status < 400 ? 1 : status < 500 ? 2 : 3;
  responses_[Index(area)][status_class].Add();
  request_seconds_[Index(area)].Observe(seconds);
}

}  // namespace rehook
