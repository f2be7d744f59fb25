#include "metrics/prometheus_text.h"

#include <fmt/format.h>

namespace rehook {
namespace {

void AppendEscaped(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string FormatBound(double bound) { return fmt::format("{}", bound); }

}  // namespace

void PrometheusText::Family(std::string_view name, std::string_view type, std::string_view help) {
  text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void PrometheusText::Series(std::string_view name, Labels labels, std::string_view extra_label_name,
                            std::string_view extra_label_value) {
  text_ += name;
  if (labels.size() == 0 && extra_label_name.empty()) return;
  text_ += '{';
  bool first = true;
  auto add = [&](std::string_view label, std::string_view value) {
    if (!first) text_ += ',';
    first = false;
    text_ += label;
    text_ += "=\"";
    AppendEscaped(text_, value);
    text_ += '"';
  };
  for (const auto& [label, value] : labels) add(label, value);
  if (!extra_label_name.empty()) add(extra_label_name, extra_label_value);
  text_ += '}';
}

void PrometheusText::Sample(std::string_view name, Labels labels, double value) {
  Series(name, labels);
  text_ += fmt::format(" {}\n", value);
}

void PrometheusText::Sample(std::string_view name, Labels labels, std::uint64_t value) {
  Series(name, labels);
  text_ += fmt::format(" {}\n", value);
}

void PrometheusText::HistogramSamples(std::string_view name, Labels labels,
                                      const Histogram::Reading& reading) {
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < reading.cumulative_counts.size(); ++i) {
    std::string le =
        i < reading.upper_bounds.size() ? FormatBound(reading.upper_bounds[i]) : "+Inf";
    Series(bucket, labels, "le", le);
    text_ += fmt::format(" {}\n", reading.cumulative_counts[i]);
  }
  Series(std::string(name) + "_sum", labels);
  text_ += fmt::format(" {}\n", reading.sum_seconds);
  Series(std::string(name) + "_count", labels);
  text_ += fmt::format(" {}\n", reading.cumulative_counts.back());
}

}  // namespace rehook
