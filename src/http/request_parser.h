#pragma once
// Parses one HTTP/1.1 request into an HttpRequest exactly as it arrived.
//
// Beast's request_parser keeps fields in basic_fields, which moves a repeated header next to its
// first occurrence ("A: 1, B: 2, A: 3" comes out as A, A, B). Capture promises headers in
// arrival order, so this parser records the request as the bytes arrive instead. Framing
// (Content-Length, chunked), keep-alive and the body limit are basic_parser's; the header limit
// is enforced here as well (see header_limit).

#include <boost/beast/http/basic_parser.hpp>

#include <cstddef>
#include <cstdint>

#include "http/http_types.h"

namespace rehook {

class RequestParser : public boost::beast::http::basic_parser<true> {
 public:
  // The most bytes of request line and header fields (chunked trailers included) to accept; more
  // fails the parse with http::error::header_limit. Hides basic_parser::header_limit, which it
  // also sets: Beast applies its limit only to the part of the head still unparsed at each read,
  // so a head sent in pieces that each end one byte into the next field is never refused (a 1 MB
  // head passed a 2 KB limit that way). Here every byte of the head counts.
  void header_limit(std::uint32_t limit);

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

  // Adds `bytes` to the head's size; sets error (header_limit) beyond the limit.
  void CountHeadBytes(std::size_t bytes, boost::beast::error_code& error);

  HttpRequest request_;
  std::uint64_t head_limit_ = 8192;  // Beast's default
  std::uint64_t head_bytes_ = 0;
  boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
  int version_ = 11;
};

}  // namespace rehook
