#include "domain/destination.h"

#include "common/enum_names.h"

namespace rehook {
namespace {

constexpr EnumNames<RetryBackoff, 2> kBackoffNames{{
    {RetryBackoff::exponential, "exponential"},
    {RetryBackoff::linear, "linear"},
}};

}  // namespace

std::string_view RetryBackoffName(RetryBackoff backoff) { return NameOf(kBackoffNames, backoff); }

std::optional<RetryBackoff> ParseRetryBackoff(std::string_view name) {
  return ValueOf(kBackoffNames, name);
}

}  // namespace rehook
