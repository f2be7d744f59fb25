#include "http/response_wire.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

std::string Wire(const HttpResponse& response, unsigned version, bool keep_alive,
                 bool head_request = false) {
  return ResponseHead(response, version, keep_alive) +
         std::string(ResponseBody(response, head_request));
}

TEST(ResponseWireTest, WritesStatusHeadersLengthAndBody) {
  HttpResponse response = HttpResponse::Text(200, "application/json", "{\"id\":\"evt_1\"}");
  response.SetHeader("X-Request-Id", "abc");
  EXPECT_EQ(Wire(response, 11, true),
            "HTTP/1.1 200 OK\r\n"
            "Server: rehook\r\n"
            "Content-Type: application/json\r\n"
            "X-Request-Id: abc\r\n"
            "Content-Length: 14\r\n"
            "\r\n"
            "{\"id\":\"evt_1\"}");
}

TEST(ResponseWireTest, SaysWhenTheConnectionCloses) {
  HttpResponse response = HttpResponse::Text(413, "application/json", "{}");
  EXPECT_EQ(Wire(response, 11, false),
            "HTTP/1.1 413 Payload Too Large\r\nServer: rehook\r\nContent-Type: "
            "application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
}

TEST(ResponseWireTest, KeepsAnHttp10ConnectionOpenOnlyWhenAskedTo) {
  HttpResponse response = HttpResponse::Text(200, "text/plain", "ok");
  EXPECT_EQ(Wire(response, 10, true),
            "HTTP/1.0 200 OK\r\nServer: rehook\r\nContent-Type: text/plain\r\nContent-Length: "
            "2\r\nConnection: keep-alive\r\n\r\nok");
  EXPECT_EQ(Wire(response, 10, false),
            "HTTP/1.0 200 OK\r\nServer: rehook\r\nContent-Type: text/plain\r\nContent-Length: "
            "2\r\n\r\nok");
}

TEST(ResponseWireTest, AnswersHeadWithTheLengthOfTheBodyItLeavesOut) {
  HttpResponse response = HttpResponse::Text(200, "text/html", "<html></html>");
  EXPECT_EQ(Wire(response, 11, true, true),
            "HTTP/1.1 200 OK\r\nServer: rehook\r\nContent-Type: text/html\r\nContent-Length: "
            "13\r\n\r\n");
}

TEST(ResponseWireTest, NoContentHasNeitherLengthNorBody) {
  HttpResponse response = HttpResponse::NoContent();
  response.body = "ignored";
  EXPECT_EQ(Wire(response, 11, true), "HTTP/1.1 204 No Content\r\nServer: rehook\r\n\r\n");
}

}  // namespace
}  // namespace rehook
