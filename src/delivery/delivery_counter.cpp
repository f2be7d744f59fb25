#include "delivery/delivery_counter.h"

namespace rehook {

std::string_view DeliveryKindName(DeliveryKind kind) {
  switch (kind) {
    case DeliveryKind::forward:
      return "forward";
    case DeliveryKind::replay_job:
      return "replay_job";
    case DeliveryKind::request_replay:
      return "request_replay";
  }
  return "forward";
}

}  // namespace rehook
