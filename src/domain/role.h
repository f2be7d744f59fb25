#pragma once
// Roles of API keys and what each may do (the permission table of API.md).

#include <optional>
#include <string_view>

namespace rehook {

// Ordered: each role has every permission of the roles before it.
enum class Role { viewer = 0, developer = 1, admin = 2, super_admin = 3 };

enum class Permission {
  read,                  // read everything of the org
  replay_request,        // "requests.replay": single-request replay
  write_resources,       // create/change sources, destinations, connections, replay jobs
  manage_keys,           // create/list/delete API keys
  manage_notifications,  // create/list/delete notification channels (admin and above)
  manage_orgs,           // create/list organizations
  backup_store,          // "store.backup": a copy of the whole store, every org's (super_admin)
};

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
std::string_view PermissionName(Permission permission);

bool RoleAllows(Role role, Permission permission);

}  // namespace rehook
