#pragma once
// Enums with names on the wire (JSON fields, query parameters, metric labels): one table per
// enum gives both directions, so a name and its value cannot drift apart.
//
//   constexpr EnumNames<Role, 2> kRoleNames{{{Role::viewer, "viewer"}, {Role::admin, "admin"}}};
//   NameOf(kRoleNames, Role::admin) == "admin";  ValueOf(kRoleNames, "viewer") == Role::viewer

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace rehook {

template <class Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

template <class Enum, std::size_t N>
using EnumNames = std::array<EnumName<Enum>, N>;

// The value's name; the first entry's for a value the table lacks (tables list every value).
template <class Enum, std::size_t N>
constexpr std::string_view NameOf(const EnumNames<Enum, N>& names, Enum value) {
  for (const auto& entry : names) {
    if (entry.value == value) return entry.name;
  }
  return names[0].name;
}

template <class Enum, std::size_t N>
constexpr std::optional<Enum> ValueOf(const EnumNames<Enum, N>& names, std::string_view name) {
  for (const auto& entry : names) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

}  // namespace rehook
