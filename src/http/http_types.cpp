#include "http/http_types.h"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <cctype>

namespace rehook {

// RFC 9110 token characters, the only ones a field name may contain.
bool IsHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view TrimWhitespace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::string_view> FindHeader(const std::vector<HeaderField>& headers,
                                           std::string_view name) {
  for (const auto& field : headers) {
    if (EqualsIgnoreCase(field.name, name)) return std::string_view(field.value);
  }
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

std::optional<std::string_view> HttpRequest::Cookie(std::string_view name) const {
  for (const auto& field : headers) {
    if (!EqualsIgnoreCase(field.name, "cookie")) continue;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      size_t semicolon = rest.find(';');
      std::string_view pair = TrimWhitespace(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      size_t equals = pair.find('=');
      if (equals != std::string_view::npos && TrimWhitespace(pair.substr(0, equals)) == name) {
        return TrimWhitespace(pair.substr(equals + 1));
      }
    }
  }
  return std::nullopt;
}

void HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& field : headers) {
    if (EqualsIgnoreCase(field.name, name)) {
      field.value = std::move(value);
      return;
    }
  }
  headers.push_back({std::move(name), std::move(value)});
}

HttpResponse HttpResponse::Text(int status, std::string content_type, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.push_back({"Content-Type", std::move(content_type)});
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::NoContent() {
  HttpResponse response;
  response.status = 204;
  return response;
}

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
