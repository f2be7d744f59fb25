#include "http/router.h"

namespace rehook {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return segments;
}

bool MatchSegments(const std::vector<std::string>& pattern,
                   const std::vector<std::string_view>& path, PathParams& params) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& expected = pattern[i];
    if (expected.size() > 2 && expected.front() == '{' && expected.back() == '}') {
      params.emplace_back(expected.substr(1, expected.size() - 2), std::string(path[i]));
    } else if (expected != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace rehook
