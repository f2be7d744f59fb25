#include "http/response_wire.h"

#include <boost/beast/http/status.hpp>

namespace rehook {

namespace {

bool HasNoBody(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

void AppendField(std::string& head, std::string_view name, std::string_view value) {
  head.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

std::string ResponseHead(const HttpResponse& response, unsigned version, bool keep_alive) {
  const std::string_view reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(response.status));
  std::size_t size = 96 + reason.size();
  for (const auto& field : response.headers) size += field.name.size() + field.value.size() + 4;
  std::string head;
  head.reserve(size);

  head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  head.append(std::to_string(response.status)).append(" ").append(reason).append("\r\n");
  AppendField(head, "Server", "rehook");
  for (const auto& field : response.headers) AppendField(head, field.name, field.value);
  if (response.stream) {
    // A stream's length is unknown: chunks on HTTP/1.1; HTTP/1.0 reads until the close.
    if (version != 10) AppendField(head, "Transfer-Encoding", "chunked");
  } else if (!HasNoBody(response.status)) {
    AppendField(head, "Content-Length", std::to_string(response.body.size()));
  }
  // HTTP/1.1 keeps a connection open unless told otherwise; HTTP/1.0 closes it unless told.
  if (version == 10 && keep_alive) AppendField(head, "Connection", "keep-alive");
  if (version != 10 && !keep_alive) AppendField(head, "Connection", "close");
  head.append("\r\n");
  return head;
}

std::string_view ResponseBody(const HttpResponse& response, bool head_request) {
  if (head_request || HasNoBody(response.status)) return {};
  return response.body;
}

}  // namespace rehook
