#include "http/request_parser.h"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace rehook {
namespace {

namespace http = boost::beast::http;

// Feeds `pieces` one at a time, as reads from a socket would deliver them, keeping what the
// parser leaves unconsumed. Returns the first error other than need_more.
boost::beast::error_code Feed(RequestParser& parser, const std::vector<std::string>& pieces) {
  std::string pending;
  for (const std::string& piece : pieces) {
    pending += piece;
    boost::beast::error_code error;
    pending.erase(0, parser.put(boost::asio::buffer(pending), error));
    if (error && error != http::error::need_more) return error;
    if (parser.is_done()) break;
  }
  return {};
}

TEST(RequestParserTest, KeepsHeadersInArrivalOrder) {
  RequestParser parser;
  parser.eager(true);
  EXPECT_FALSE(Feed(parser, {"POST /in/src_1?x=1 HTTP/1.1\r\nA: 1\r\nB: 2\r\na: 3\r\n"
                             "Content-Length: 2\r\n\r\nok"}));
  ASSERT_TRUE(parser.is_done());
  const HttpRequest& request = parser.request();
  EXPECT_EQ(request.path, "/in/src_1");
  EXPECT_EQ(request.query, "x=1");
  ASSERT_EQ(request.headers.size(), 4u);
  EXPECT_EQ(request.headers[1].name, "B");
  EXPECT_EQ(request.headers[2].name, "a");
  EXPECT_EQ(request.body, "ok");
}

// Found by tests/fuzz/http_request_fuzz: Beast checks its header limit only against the part of
// the head not yet parsed at each read, so pieces that each end one byte into the next field
// were never refused.
TEST(RequestParserTest, HeaderLimitCountsTheWholeHeadHoweverItArrives) {
  std::vector<std::string> pieces = {"GET / HTTP/1.1\r\nX"};
  for (int i = 0; i < 1000; ++i) pieces.push_back("-" + std::to_string(i) + ": v\r\nX");
  pieces.push_back("-end: v\r\n\r\n");

  RequestParser parser;
  parser.header_limit(2048);
  EXPECT_EQ(Feed(parser, pieces), http::error::header_limit);
  std::size_t recorded = 16;  // the request line
  for (const HeaderField& field : parser.request().headers) {
    recorded += field.name.size() + field.value.size() + 4;
  }
  EXPECT_LE(recorded, 2048u);

  RequestParser roomy;
  roomy.header_limit(64 * 1024);
  EXPECT_FALSE(Feed(roomy, pieces));
  EXPECT_TRUE(roomy.is_header_done());
  EXPECT_EQ(roomy.request().headers.size(), 1001u);
}

TEST(RequestParserTest, HeaderLimitAllowsAHeadOfExactlyTheLimit) {
  const std::string line = "GET / HTTP/1.1\r\n";           // 16 bytes
  const std::string field = "X: " + std::string(80, 'v');  // 83 + CRLF = 85 bytes
  RequestParser parser;
  parser.header_limit(static_cast<std::uint32_t>(line.size() + field.size() + 2));
  EXPECT_FALSE(Feed(parser, {line + field + "\r\n\r\n"}));
  EXPECT_TRUE(parser.is_header_done());

  RequestParser smaller;
  smaller.header_limit(static_cast<std::uint32_t>(line.size() + field.size() + 1));
  EXPECT_EQ(Feed(smaller, {line, field + "\r\n", "\r\n"}), http::error::header_limit);
}

TEST(RequestParserTest, TrailersCountTowardsTheHeaderLimit) {
  std::string stream = "POST /in/src_1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  for (int i = 0; i < 100; ++i) stream += "T" + std::to_string(i) + ": v\r\n";
  stream += "\r\n";
  RequestParser parser;
  parser.header_limit(512);  // the head alone is 82 bytes, the trailers about 800
  parser.eager(true);
  EXPECT_EQ(Feed(parser, {stream}), http::error::header_limit);
}

}  // namespace
}  // namespace rehook
