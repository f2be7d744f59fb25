#include "delivery/delivery_counter.h"

#include "common/enum_names.h"

namespace rehook {

namespace {

constexpr EnumNames<DeliveryKind, kDeliveryKinds.size()> kKindNames{{
    {DeliveryKind::forward, "forward"},
    {DeliveryKind::replay_job, "replay_job"},
    {DeliveryKind::request_replay, "request_replay"},
    {DeliveryKind::manual, "manual"},
}};

}  // namespace

std::string_view DeliveryKindName(DeliveryKind kind) { return NameOf(kKindNames, kind); }

}  // namespace rehook
