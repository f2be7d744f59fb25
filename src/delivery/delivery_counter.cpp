#include "delivery/delivery_counter.h"

#include "common/enum_names.h"

namespace rehook {

namespace {

constexpr EnumNames<DeliveryKind, 3> kKindNames{{
    {DeliveryKind::forward, "forward"},
    {DeliveryKind::replay_job, "replay_job"},
    {DeliveryKind::request_replay, "request_replay"},
}};

}  // namespace

std::string_view DeliveryKindName(DeliveryKind kind) { return NameOf(kKindNames, kind); }

}  // namespace rehook
