#include "capture/source_config_fields.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cmath>

namespace rehook::source_config {

[[noreturn]] void Fail(const std::string& path, const std::string& message) {
  throw SourceConfigError(path, message);
}

std::optional<std::string> StringField(const boost::json::object& object, std::string_view key,
                                       const std::string& path) {
  const boost::json::value* value = object.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_string()) Fail(path, "'" + path + "' must be a string");
  return std::string(value->get_string());
}

std::optional<std::int64_t> IntegerField(const boost::json::object& object, std::string_view key,
                                         const std::string& path, std::int64_t min,
                                         std::int64_t max) {
  const boost::json::value* value = object.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  std::optional<std::int64_t> number;
  if (value->is_int64()) {
    number = value->get_int64();
  } else if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(max)) {
    number = static_cast<std::int64_t>(value->get_uint64());
  } else if (value->is_double() && std::trunc(value->get_double()) == value->get_double() &&
             std::abs(value->get_double()) <= static_cast<double>(max)) {
    number = static_cast<std::int64_t>(value->get_double());  // 300.0 is an integer too
  }
  if (!number || *number < min || *number > max) {
    Fail(path, "'" + path + "' must be an integer between " + std::to_string(min) + " and " +
                   std::to_string(max));
  }
  return number;
}

}  // namespace rehook::source_config
