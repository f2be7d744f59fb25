#pragma once
// How delivery reports what it sent. Delivery knows nothing of how counts are kept or shown:
// metrics/Metrics implements this interface, and whoever builds a sender hands it one.

#include <array>
#include <string_view>

namespace rehook {

// Why a request was sent to a destination.
enum class DeliveryKind { forward, replay_job, request_replay };
constexpr std::array<DeliveryKind, 3> kDeliveryKinds = {
    DeliveryKind::forward, DeliveryKind::replay_job, DeliveryKind::request_replay};
std::string_view DeliveryKindName(DeliveryKind kind);

class DeliveryCounter {
 public:
  // One request sent (or tried) to a destination; `seconds` from the start of the attempt to
  // its outcome. Thread-safe.
  virtual void CountDelivery(DeliveryKind kind, bool success, double seconds) = 0;

 protected:
  ~DeliveryCounter() = default;
};

}  // namespace rehook
