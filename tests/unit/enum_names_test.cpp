// Names that travel on the wire parse back to the value they name, and unknown names are refused.
#include <gtest/gtest.h>

#include "capture/signature_verifier.h"
#include "domain/delivery.h"
#include "domain/replay.h"
#include "domain/role.h"

namespace rehook {
namespace {

TEST(EnumNamesTest, EveryNameParsesBackToItsValue) {
  for (Role role : {Role::viewer, Role::developer, Role::admin, Role::super_admin}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role) << RoleName(role);
  }
  for (ReplayStatus status : kReplayStatuses) {
    EXPECT_EQ(ParseReplayStatus(ReplayStatusName(status)), status) << ReplayStatusName(status);
  }
  for (ReplayOutcome outcome : {ReplayOutcome::first, ReplayOutcome::same, ReplayOutcome::fixed,
                                ReplayOutcome::regressed}) {
    EXPECT_EQ(ParseReplayOutcome(ReplayOutcomeName(outcome)), outcome);
  }
  EXPECT_EQ(ParseReplayIdMode(ReplayIdModeName(ReplayIdMode::fresh)), ReplayIdMode::fresh);
  EXPECT_EQ(ParseReplayIdMode(ReplayIdModeName(ReplayIdMode::original)), ReplayIdMode::original);
}

TEST(EnumNamesTest, TheApiSpellingsAreKept) {
  EXPECT_EQ(ReplayIdModeName(ReplayIdMode::fresh), "new");
  EXPECT_EQ(RoleName(Role::super_admin), "super_admin");
  EXPECT_EQ(PermissionName(Permission::manage_keys), "keys.manage");
  EXPECT_EQ(ReplayOutcomeName(ReplayOutcome::regressed), "regressed");
  EXPECT_EQ(VerificationKindName(VerificationKind::standard_webhooks), "standard_webhooks");
}

TEST(EnumNamesTest, UnknownNamesAreRefused) {
  EXPECT_EQ(ParseRole("owner"), std::nullopt);
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  EXPECT_EQ(ParseReplayStatus(""), std::nullopt);
  EXPECT_EQ(ParseReplayIdMode("fresh"), std::nullopt);  // the API spells it "new"
  EXPECT_EQ(ParseReplayOutcome("better"), std::nullopt);
  EXPECT_EQ(ParseVerificationKind("unknown"), std::nullopt);
}

}  // namespace
}  // namespace rehook
