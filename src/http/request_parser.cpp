#include "http/request_parser.h"

#include <algorithm>

namespace rehook {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {
// The announced length is only the client's claim, and the body may never come: reserve at most
// this much up front.
constexpr std::uint64_t kReserveLimit = 1 << 20;
}  // namespace

void RequestParser::header_limit(std::uint32_t limit) {
  head_limit_ = limit;
  basic_parser::header_limit(limit);
}

void RequestParser::CountHeadBytes(std::size_t bytes, beast::error_code& error) {
  head_bytes_ += bytes;
  if (head_bytes_ > head_limit_) error = http::error::header_limit;
}

void RequestParser::on_request_impl(http::verb method, beast::string_view method_string,
                                    beast::string_view target, int version,
                                    beast::error_code& error) {
  // "METHOD SP target SP HTTP/1.1 CRLF"
  CountHeadBytes(method_string.size() + target.size() + 12, error);
  if (error) return;
  method_ = method;
  version_ = version;
  request_.method = std::string(method_string);
  request_.target = std::string(target);
  const std::size_t question = request_.target.find('?');
  request_.path = request_.target.substr(0, question);
  if (question != std::string::npos) request_.query = request_.target.substr(question + 1);
  request_.headers.reserve(16);
}

void RequestParser::on_response_impl(int, beast::string_view, int, beast::error_code& error) {
  error = http::error::bad_version;  // a request parser never sees a status line
}

void RequestParser::on_field_impl(http::field, beast::string_view name, beast::string_view value,
                                  beast::error_code& error) {
  CountHeadBytes(name.size() + value.size() + 4, error);  // "name: value CRLF"
  if (error) return;
  request_.headers.push_back({std::string(name), std::string(value)});
}

void RequestParser::on_header_impl(beast::error_code&) {}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      beast::error_code&) {
  if (content_length) {
    request_.body.reserve(static_cast<std::size_t>(std::min(*content_length, kReserveLimit)));
  }
}

std::size_t RequestParser::on_body_impl(beast::string_view body, beast::error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                              beast::error_code&) {
  request_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(beast::error_code&) {}

}  // namespace rehook
