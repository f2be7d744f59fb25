#pragma once
// The OpenAPI 3.1 description of the /v1 API: src/api/openapi.json, compiled into the binary
// (see src/CMakeLists.txt). Each operation names the permission it needs in
// `x-rehook-permission`; tests/unit/openapi_test.cpp holds the document and the router to each
// other, so a route cannot be added, removed or re-permissioned without updating it.

#include <string_view>

namespace rehook {

std::string_view OpenApiDocument();

}  // namespace rehook
