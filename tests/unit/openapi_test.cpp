// The OpenAPI document and the router describe the same API: every route is documented with the
// permission it really needs, and every documented operation is a route.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "api/openapi_document.h"
#include "api/routes.h"

namespace rehook {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "get /v1/sources/{id}" -> the permission the operation is documented to need.
std::map<std::string, std::string> DocumentedOperations(const boost::json::object& document) {
  std::map<std::string, std::string> operations;
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      operations[std::string(method) + " " + std::string(path)] =
          std::string(operation.at("x-rehook-permission").as_string());
    }
  }
  return operations;
}

std::map<std::string, std::string> RegisteredRoutes() {
  ApiRouter router;
  AddAllApiRoutes(router);
  std::map<std::string, std::string> routes;
  for (const auto& route : router.Routes()) {
    std::string key = Lower(route.method) + " " + route.pattern;
    EXPECT_FALSE(routes.contains(key)) << "registered twice: " << key;
    routes[key] = route.payload->requires_key
                      ? std::string(PermissionName(route.payload->permission))
                      : "none";
  }
  return routes;
}

TEST(OpenApiTest, IsAnOpenApi31Document) {
  boost::json::value document = boost::json::parse(OpenApiDocument());
  EXPECT_EQ(document.at("openapi").as_string(), "3.1.0");
  EXPECT_TRUE(document.at("components").as_object().contains("schemas"));
}

TEST(OpenApiTest, EveryRouteIsDocumentedWithItsPermissionAndNothingElse) {
  auto documented = DocumentedOperations(boost::json::parse(OpenApiDocument()).as_object());
  auto registered = RegisteredRoutes();
  for (const auto& [operation, permission] : registered) {
    auto it = documented.find(operation);
    if (it == documented.end()) {
      ADD_FAILURE() << "route not documented: " << operation;
    } else {
      EXPECT_EQ(it->second, permission) << operation;
    }
  }
  for (const auto& [operation, permission] : documented) {
    EXPECT_TRUE(registered.contains(operation)) << "documented but not a route: " << operation;
  }
  EXPECT_GE(registered.size(), 40u);
}

// Every $ref points at something that exists, so generators do not choke on the document.
void CheckRefs(const boost::json::value& node, const boost::json::object& components) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.as_object()) {
      if (key == "$ref") {
        std::string ref(value.as_string());
        ASSERT_EQ(ref.rfind("#/components/", 0), 0u) << ref;
        std::string rest = ref.substr(13);
        auto slash = rest.find('/');
        const auto& section = components.at(rest.substr(0, slash)).as_object();
        EXPECT_TRUE(section.contains(rest.substr(slash + 1))) << "dangling " << ref;
      } else {
        CheckRefs(value, components);
      }
    }
  } else if (node.is_array()) {
    for (const auto& item : node.as_array()) CheckRefs(item, components);
  }
}

TEST(OpenApiTest, EveryReferenceResolves) {
  boost::json::value document = boost::json::parse(OpenApiDocument());
  CheckRefs(document, document.at("components").as_object());
}

}  // namespace
}  // namespace rehook
