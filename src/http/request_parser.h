#pragma once
// Parses one HTTP/1.1 request into an HttpRequest exactly as it arrived.
//
// Beast's request_parser keeps fields in basic_fields, which moves a repeated header next to its
// first occurrence ("A: 1, B: 2, A: 3" comes out as A, A, B). Capture promises headers in
// arrival order, so this parser records the request as the bytes arrive instead. Limits, framing
// (Content-Length, chunked) and keep-alive are basic_parser's.

#include <boost/beast/http/basic_parser.hpp>

#include "http/http_types.h"

namespace rehook {

class RequestParser : public boost::beast::http::basic_parser<true> {
 public:
  // The request so far: method, target and headers once the head is parsed, the body once done.
  HttpRequest& request() { return request_; }
  boost::beast::http::verb method() const { return method_; }
  int version() const { return version_; }

 private:
  void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_string,
                       boost::beast::string_view target, int version,
                       boost::beast::error_code& error) override;
  void on_response_impl(int status, boost::beast::string_view reason, int version,
                        boost::beast::error_code& error) override;
  void on_field_impl(boost::beast::http::field field, boost::beast::string_view name,
                     boost::beast::string_view value, boost::beast::error_code& error) override;
  void on_header_impl(boost::beast::error_code& error) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         boost::beast::error_code& error) override;
  std::size_t on_body_impl(boost::beast::string_view body,
                           boost::beast::error_code& error) override;
  void on_chunk_header_impl(std::uint64_t size, boost::beast::string_view extensions,
                            boost::beast::error_code& error) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, boost::beast::string_view body,
                                 boost::beast::error_code& error) override;
  void on_finish_impl(boost::beast::error_code& error) override;

  HttpRequest request_;
  boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
  int version_ = 11;
};

}  // namespace rehook
