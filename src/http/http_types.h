#pragma once
// The request and response as the rest of rehook sees them: plain structs, independent of Beast,
// so handlers and tests do not pull in the HTTP library. (The rules of header fields are the
// domain's: domain/header_fields.h.)

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/query_string.h"
#include "domain/event.h"
#include "domain/header_fields.h"

namespace rehook {

struct HttpRequest {
  std::string method;                // as sent, e.g. "POST"
  std::string target;                // raw request target, e.g. "/in/src_x/a/b?x=1"
  std::string path;                  // target up to '?', still percent-encoded
  std::string query;                 // target after '?', raw; empty when absent
  std::vector<HeaderField> headers;  // arrival order, duplicates kept
  std::string body;
  std::string client_ip;

  // First header with this name (case-insensitive), if any.
  std::optional<std::string_view> Header(std::string_view name) const;
  // Value of one cookie from the Cookie header(s), if present.
  std::optional<std::string_view> Cookie(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<HeaderField> headers;  // Content-Type included; Content-Length is added on write
  std::string body;
  bool close_connection = false;  // ask the server to close after writing

  void SetHeader(std::string name, std::string value);
  static HttpResponse Text(int status, std::string content_type, std::string body);
  static HttpResponse NoContent();
};

}  // namespace rehook
