#include "cli/replay_target.h"

#include <boost/json/object.hpp>

#include "cli/list_paging.h"
#include "cli/output.h"

namespace rehook::cli {
namespace {

constexpr std::size_t kLongestName = 200;  // the API's limit on names
constexpr std::string_view kNamePrefix = "rehook-cli replay target: ";

}  // namespace

std::string TargetDestinationName(const std::string& url) {
  return std::string(kNamePrefix) + Shorten(url, kLongestName - kNamePrefix.size());
}

TargetDestination FindOrCreateTargetDestination(CommandContext& context, const std::string& url) {
  const std::string name = TargetDestinationName(url);
  PageOptions every;
  every.all = true;
  // A long URL is shortened in the name, so the URL itself must match too.
  for (const auto& destination : FetchList(context.api, "/v1/destinations", {}, every).data) {
    if (FieldText(destination, "name") == name && FieldText(destination, "url") == url) {
      return {FieldText(destination, "id"), false};
    }
  }
  ApiReply reply =
      context.api.Post("/v1/destinations", boost::json::object{{"name", name}, {"url", url}});
  TargetDestination made{FieldText(reply.json, "id"), true};
  context.err << "Created destination " << made.id << " for " << url << "\n";
  return made;
}

void DeleteDestination(CommandContext& context, const std::string& id) {
  context.api.Call("DELETE", "/v1/destinations/" + PathSegment(id));
}

}  // namespace rehook::cli
