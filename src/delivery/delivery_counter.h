#pragma once
// How delivery reports what it sent. Delivery knows nothing of how counts are kept or shown:
// metrics/Metrics implements this interface, and whoever builds a sender hands it one.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rehook {

// Why a request was sent to a destination.
enum class DeliveryKind { forward, replay_job, request_replay, manual };
constexpr std::array<DeliveryKind, 4> kDeliveryKinds = {
    DeliveryKind::forward, DeliveryKind::replay_job, DeliveryKind::request_replay,
    DeliveryKind::manual};
std::string_view DeliveryKindName(DeliveryKind kind);

class DeliveryCounter {
 public:
  // One request sent (or tried) to a destination; `seconds` from the start of the attempt to
  // its outcome. Thread-safe.
  virtual void CountDelivery(DeliveryKind kind, bool success, double seconds) = 0;
  // The same, timed as an attempt records it (nullopt: no response came).
  void CountAttempt(DeliveryKind kind, bool success, std::optional<std::int64_t> response_time_ms) {
    CountDelivery(kind, success, static_cast<double>(response_time_ms.value_or(0)) / 1000);
  }

 protected:
  ~DeliveryCounter() = default;
};

}  // namespace rehook
