#include "common/pacer.h"

#include <algorithm>
#include <cmath>

namespace rehook {

Pacer::Pacer(double per_second)
    : spacing_(static_cast<std::int64_t>(
          std::ceil(1e9 / std::max(per_second, 1e-3) * (1.0 + kMargin)))) {}

}  // namespace rehook
