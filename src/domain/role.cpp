#include "domain/role.h"

namespace rehook {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::viewer:
      return "viewer";
    case Role::developer:
      return "developer";
    case Role::admin:
      return "admin";
    case Role::super_admin:
      return "super_admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::viewer, Role::developer, Role::admin, Role::super_admin}) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::read:
      return "read";
    case Permission::replay_request:
      return "requests.replay";
    case Permission::write_resources:
      return "resources.write";
    case Permission::manage_keys:
      return "keys.manage";
    case Permission::manage_orgs:
      return "orgs.manage";
  }
  return "read";
}

bool RoleAllows(Role role, Permission permission) {
  switch (permission) {
    case Permission::read:
    case Permission::replay_request:
      return true;
    case Permission::write_resources:
      return role >= Role::developer;
    case Permission::manage_keys:
      return role >= Role::admin;
    case Permission::manage_orgs:
      return role == Role::super_admin;
  }
  return false;
}

}  // namespace rehook
