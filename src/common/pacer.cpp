#include "common/pacer.h"

#include <algorithm>
#include <cmath>

namespace rehook {

Pacer::Pacer(double per_second)
    : spacing_(static_cast<std::int64_t>(std::ceil(1e9 / std::max(per_second, 1e-3)))),
      per_window_(static_cast<std::size_t>(std::max(1.0, std::floor(per_second)))) {}

Pacer::TimePoint Pacer::NextStart() const {
  TimePoint next = planned_;
  if (recent_.size() >= per_window_) {
    next = std::max(next, recent_.front() + std::chrono::seconds(1) + kWindowGuard);
  }
  return next;
}

void Pacer::Started(TimePoint when) {
  // Keep the grid, but forgive more than one slot of lateness.
  planned_ = std::max(planned_, when - spacing_) + spacing_;
  recent_.push_back(when);
  if (recent_.size() > per_window_) recent_.pop_front();
}

}  // namespace rehook
