#include "http/response_wire.h"

#include <boost/beast/http/status.hpp>

namespace rehook {

namespace {

bool HasNoBody(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

void AppendField(std::string& wire, std::string_view name, std::string_view value) {
  wire.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

std::string ResponseWire(const HttpResponse& response, unsigned version, bool keep_alive,
                         bool head_only) {
  const bool no_body = HasNoBody(response.status);
  const std::string_view reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(response.status));
  std::string wire;
  std::size_t headers_size = 0;
  for (const auto& field : response.headers)
    headers_size += field.name.size() + field.value.size() + 4;
  wire.reserve(96 + reason.size() + headers_size +
               (no_body || head_only ? 0 : response.body.size()));

  wire.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  wire.append(std::to_string(response.status)).append(" ").append(reason).append("\r\n");
  AppendField(wire, "Server", "rehook");
  for (const auto& field : response.headers) AppendField(wire, field.name, field.value);
  if (!no_body) AppendField(wire, "Content-Length", std::to_string(response.body.size()));
  // HTTP/1.1 keeps a connection open unless told otherwise; HTTP/1.0 closes it unless told.
  if (version == 10 && keep_alive) AppendField(wire, "Connection", "keep-alive");
  if (version != 10 && !keep_alive) AppendField(wire, "Connection", "close");
  wire.append("\r\n");
  if (!no_body && !head_only) wire.append(response.body);
  return wire;
}

}  // namespace rehook
