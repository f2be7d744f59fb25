#include "http/http_types.h"

namespace rehook {

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

}  // namespace rehook
