#pragma once
// Maps (method, path) to whatever the caller registered for a route pattern such as
// "/v1/sources/{id}". Literal segments match exactly, "{name}" segments capture one segment.
// A trailing slash is ignored. Knows nothing about what a route does.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rehook {

using PathParams = std::vector<std::pair<std::string, std::string>>;

// "/v1/sources/x/" -> {"v1", "sources", "x"}.
std::vector<std::string_view> SplitPath(std::string_view path);

// Matches pattern segments against path segments, capturing "{name}" segments into `params`.
bool MatchSegments(const std::vector<std::string>& pattern,
                   const std::vector<std::string_view>& path, PathParams& params);

template <class Payload>
class Router {
 public:
  void Add(std::string method, std::string_view pattern, Payload payload) {
    Route route{std::move(method), std::string(pattern), {}, std::move(payload)};
    for (auto segment : SplitPath(pattern)) route.segments.emplace_back(segment);
    routes_.push_back(std::move(route));
  }

  struct Match {
    const Payload* payload = nullptr;  // null: no route for this method and path
    PathParams params;
    bool path_exists = false;     // some route has this path, with another method (-> 405)
    std::string allowed_methods;  // for the Allow header of a 405
  };

  Match Find(std::string_view method, std::string_view path) const {
    Match match;
    auto segments = SplitPath(path);
    for (const Route& route : routes_) {
      PathParams params;
      if (!MatchSegments(route.segments, segments, params)) continue;
      if (route.method == method) {
        match.payload = &route.payload;
        match.params = std::move(params);
        return match;
      }
      match.path_exists = true;
      if (!match.allowed_methods.empty()) match.allowed_methods += ", ";
      match.allowed_methods += route.method;
    }
    return match;
  }

  struct RouteInfo {
    std::string method;
    std::string pattern;
    const Payload* payload;
  };
  // Every registered route, in registration order (to check the OpenAPI document against).
  std::vector<RouteInfo> Routes() const {
    std::vector<RouteInfo> out;
    for (const Route& route : routes_) out.push_back({route.method, route.pattern, &route.payload});
    return out;
  }

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Payload payload;
  };
  std::vector<Route> routes_;
};

}  // namespace rehook
