#pragma once
// Reading the fields of a source option object (verification, dedup) with errors that name the
// field's full path, e.g. 'verification.secret'. Shared by the option parsers.

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "capture/source_config_error.h"

namespace rehook::source_config {

// Throws SourceConfigError(path, message).
[[noreturn]] void Fail(const std::string& path, const std::string& message);

// The string at `key`; nullopt when absent or null; refused when of another type.
std::optional<std::string> StringField(const boost::json::object& object, std::string_view key,
                                       const std::string& path);

// The integer at `key` within [min, max] (300.0 counts as an integer); nullopt when absent or
// null; refused otherwise.
std::optional<std::int64_t> IntegerField(const boost::json::object& object, std::string_view key,
                                         const std::string& path, std::int64_t min,
                                         std::int64_t max);

}  // namespace rehook::source_config
