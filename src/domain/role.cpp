#include "domain/role.h"

#include "common/enum_names.h"

namespace rehook {
namespace {

constexpr EnumNames<Role, 4> kRoleNames{{
    {Role::viewer, "viewer"},
    {Role::developer, "developer"},
    {Role::admin, "admin"},
    {Role::super_admin, "super_admin"},
}};

constexpr EnumNames<Permission, 7> kPermissionNames{{
    {Permission::read, "read"},
    {Permission::replay_request, "requests.replay"},
    {Permission::write_resources, "resources.write"},
    {Permission::manage_keys, "keys.manage"},
    {Permission::manage_notifications, "notifications.manage"},
    {Permission::manage_orgs, "orgs.manage"},
    {Permission::backup_store, "store.backup"},
}};

}  // namespace

std::string_view RoleName(Role role) { return NameOf(kRoleNames, role); }

std::optional<Role> ParseRole(std::string_view name) { return ValueOf(kRoleNames, name); }

std::string_view PermissionName(Permission permission) {
  return NameOf(kPermissionNames, permission);
}

bool RoleAllows(Role role, Permission permission) {
  switch (permission) {
    case Permission::read:
    case Permission::replay_request:
      return true;
    case Permission::write_resources:
      return role >= Role::developer;
    case Permission::manage_keys:
    case Permission::manage_notifications:
      return role >= Role::admin;
    case Permission::manage_orgs:
    case Permission::backup_store:
      return role == Role::super_admin;
  }
  return false;
}

}  // namespace rehook
