#pragma once
// The request and response as the rest of rehook sees them: plain structs, independent of Beast,
// so handlers and tests do not pull in the HTTP library. (The rules of header fields are the
// domain's: domain/header_fields.h.)

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
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

// The writing end of a response body produced over time (Server-Sent Events): see
// HttpResponse::stream.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Sends `bytes` as they are (one chunk), within the server's write time limit. False once the
  // client has gone, a write took too long or Abort() was called; the stream should end then.
  // (On shutdown the producer's source ends it: see EventFeed::Stop.)
  virtual boost::asio::awaitable<bool> Write(std::string bytes) = 0;
  // Thread-safe, from anywhere: a write in progress fails at once, and every later one.
  virtual void Abort() = 0;
};

struct HttpResponse {
  int status = 200;
  std::vector<HeaderField> headers;  // Content-Type included; Content-Length is added on write
  std::string body;
  bool close_connection = false;  // ask the server to close after writing
  // When set, `body` is ignored: the head goes out without a length (chunked on HTTP/1.1),
  // then `stream` runs on the connection's io thread, writing the body as it goes; the
  // connection closes when it returns.
  std::function<boost::asio::awaitable<void>(std::shared_ptr<BodyStream>)> stream;

  void SetHeader(std::string name, std::string value);
  static HttpResponse Text(int status, std::string content_type, std::string body);
  static HttpResponse NoContent();
};

}  // namespace rehook
