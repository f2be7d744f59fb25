#pragma once
// The request and response as the rest of rehook sees them: plain structs, independent of Beast,
// so handlers and tests do not pull in the HTTP library.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/model.h"

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

// Case-insensitive ASCII comparison, as HTTP field names require.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// True for a valid field name: RFC 9110 token characters only, not empty.
bool IsHeaderName(std::string_view name);

// `text` without the spaces and tabs at either end (HTTP's optional whitespace).
std::string_view TrimWhitespace(std::string_view text);

// The value of the first header named `name` (case-insensitive), if any.
std::optional<std::string_view> FindHeader(const std::vector<HeaderField>& headers,
                                           std::string_view name);

// Splits "a=1&b=2" into decoded (name, value) pairs ('+' means space); nullopt when the string
// is not a valid query (e.g. a bad percent-escape). For API parameters; captured requests keep
// their query raw.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQueryString(
    std::string_view query);

}  // namespace rehook
