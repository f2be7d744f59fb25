#include "http/router.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

TEST(RouterTest, MatchesLiteralsAndCapturesParameters) {
  Router<int> router;
  router.Add("GET", "/v1/sources", 1);
  router.Add("GET", "/v1/sources/{id}", 2);
  router.Add("GET", "/v1/endpoints/{id}/requests/{requestId}", 3);

  auto list = router.Find("GET", "/v1/sources");
  ASSERT_TRUE(list.payload);
  EXPECT_EQ(*list.payload, 1);

  auto one = router.Find("GET", "/v1/sources/src_1/");
  ASSERT_TRUE(one.payload);
  EXPECT_EQ(*one.payload, 2);
  EXPECT_EQ(one.params, (PathParams{{"id", "src_1"}}));

  auto nested = router.Find("GET", "/v1/endpoints/src_1/requests/evt_2");
  ASSERT_TRUE(nested.payload);
  EXPECT_EQ(nested.params, (PathParams{{"id", "src_1"}, {"requestId", "evt_2"}}));
}

TEST(RouterTest, ReportsOtherMethodsForThePath) {
  Router<int> router;
  router.Add("GET", "/v1/sources", 1);
  router.Add("POST", "/v1/sources", 2);
  auto match = router.Find("PUT", "/v1/sources");
  EXPECT_FALSE(match.payload);
  EXPECT_TRUE(match.path_exists);
  EXPECT_EQ(match.allowed_methods, "GET, POST");

  auto missing = router.Find("GET", "/v1/nothing");
  EXPECT_FALSE(missing.payload);
  EXPECT_FALSE(missing.path_exists);
}

}  // namespace
}  // namespace rehook
