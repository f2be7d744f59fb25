#include "domain/role.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

TEST(RoleTest, PermissionTableOfTheApiContract) {
  // viewer reads and may replay single requests.
  EXPECT_TRUE(RoleAllows(Role::viewer, Permission::read));
  EXPECT_TRUE(RoleAllows(Role::viewer, Permission::replay_request));
  EXPECT_FALSE(RoleAllows(Role::viewer, Permission::write_resources));
  // developer also writes resources.
  EXPECT_TRUE(RoleAllows(Role::developer, Permission::write_resources));
  EXPECT_FALSE(RoleAllows(Role::developer, Permission::manage_keys));
  EXPECT_FALSE(RoleAllows(Role::developer, Permission::manage_notifications));
  // admin also manages keys and where notifications go.
  EXPECT_TRUE(RoleAllows(Role::admin, Permission::manage_keys));
  EXPECT_TRUE(RoleAllows(Role::admin, Permission::manage_notifications));
  EXPECT_FALSE(RoleAllows(Role::admin, Permission::manage_orgs));
  EXPECT_FALSE(RoleAllows(Role::admin, Permission::backup_store));
  // super_admin does everything, backing up the whole store (every org's data) included.
  EXPECT_TRUE(RoleAllows(Role::super_admin, Permission::manage_orgs));
  EXPECT_TRUE(RoleAllows(Role::super_admin, Permission::backup_store));
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : {Role::viewer, Role::developer, Role::admin, Role::super_admin}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_FALSE(ParseRole("root").has_value());
  EXPECT_FALSE(ParseRole("Admin").has_value());
}

}  // namespace
}  // namespace rehook
