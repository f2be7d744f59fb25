#include "common/query_string.h"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

namespace rehook {

std::optional<std::vector<std::pair<std::string, std::string>>> ParseQueryString(
    std::string_view query) {
  boost::core::string_view text(query.data(), query.size());
  if (!boost::urls::parse_query(text)) return std::nullopt;
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  std::vector<std::pair<std::string, std::string>> params;
  for (auto param : boost::urls::params_view(text, options)) {
    if (param.key.empty() && !param.has_value) continue;  // "a=1&&b=2"
    params.emplace_back(std::move(param.key), std::move(param.value));
  }
  return params;
}

}  // namespace rehook
