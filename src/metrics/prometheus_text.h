#pragma once
// Writes the Prometheus text exposition format (version 0.0.4): a HELP and TYPE line per
// metric family, then its samples. Label values are escaped; names are trusted (ours).

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "metrics/instruments.h"

namespace rehook {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class PrometheusText {
 public:
  // Starts a family; `type` is "counter", "gauge" or "histogram".
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, Labels labels, double value);
  void Sample(std::string_view name, Labels labels, std::uint64_t value);
  // The _bucket, _sum and _count samples of one histogram series.
  void HistogramSamples(std::string_view name, Labels labels, const Histogram::Reading& reading);

  const std::string& text() const { return text_; }

 private:
  void Series(std::string_view name, Labels labels, std::string_view extra_label_name = {},
              std::string_view extra_label_value = {});

  std::string text_;
};

}  // namespace rehook
