// GET /v1/openapi.json: the API described for client generators and the dashboard; public, as
// API descriptions are, so tools can read it before they hold a key.
#include "api/openapi_document.h"
#include "api/routes.h"

namespace rehook {
namespace {

boost::asio::awaitable<HttpResponse> GetOpenApi(ApiRequest&) {
  HttpResponse response =
      HttpResponse::Text(200, "application/json", std::string(OpenApiDocument()));
  response.SetHeader("Cache-Control", "public, max-age=300");
  co_return response;
}

}  // namespace

void AddOpenApiRoutes(ApiRouter& router) {
  router.Add("GET", "/v1/openapi.json", {Permission::read, GetOpenApi, /*requires_key=*/false});
}

}  // namespace rehook
