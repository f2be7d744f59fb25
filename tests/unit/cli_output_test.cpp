// What the client commands print for people (tables, fields) and how API errors read.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "cli/exit_codes.h"
#include "cli/output.h"

namespace rehook::cli {
namespace {

TEST(CliOutputTest, TableColumnsAlignWithoutTrailingSpaces) {
  EXPECT_EQ(RenderTable({"ID", "NAME"}, {{"src_1", "stripe"}, {"src_22", "gh"}}),
            "ID      NAME\n"
            "src_1   stripe\n"
            "src_22  gh\n");
  // Short rows are padded; widths count characters, not bytes.
  EXPECT_EQ(RenderTable({"A", "B", "C"}, {{"zürich", "x"}, {"a"}}),
            "A       B  C\n"
            "zürich  x\n"
            "a\n");
}

TEST(CliOutputTest, FieldsAlignTheirValues) {
  EXPECT_EQ(RenderFields({{"id", "key_1"}, {"created_at", "2026"}}),
            "id          key_1\n"
            "created_at  2026\n");
}

TEST(CliOutputTest, JsonValuesAsText) {
  auto object = boost::json::parse(R"({"s":"text","n":12,"b":false,"z":null,"o":{"a":1}})");
  EXPECT_EQ(FieldText(object, "s"), "text");
  EXPECT_EQ(FieldText(object, "n"), "12");
  EXPECT_EQ(FieldText(object, "b"), "false");
  EXPECT_EQ(FieldText(object, "z"), "-");
  EXPECT_EQ(FieldText(object, "o"), R"({"a":1})");
  EXPECT_EQ(FieldText(object, "missing"), "-");
  EXPECT_EQ(FieldText(boost::json::parse("[1]"), "s"), "-");
  EXPECT_EQ(JsonLine(object.at("o")), "{\"a\":1}\n");
}

TEST(CliOutputTest, ShortensByCharacters) {
  EXPECT_EQ(Shorten("/hooks", 10), "/hooks");
  EXPECT_EQ(Shorten("/hooks/stripe", 10), "/hooks/...");
  EXPECT_EQ(Shorten("ééééé", 4), "é...");
}

TEST(CliExitCodesTest, ValuesScriptsDependOn) {
  EXPECT_EQ(static_cast<int>(ExitCode::ok), 0);
  EXPECT_EQ(static_cast<int>(ExitCode::refused), 1);
  EXPECT_EQ(static_cast<int>(ExitCode::usage), 2);
  EXPECT_EQ(static_cast<int>(ExitCode::unavailable), 3);
  EXPECT_EQ(static_cast<int>(ExitCode::not_delivered), 4);
}

TEST(CliExitCodesTest, FromHttpStatus) {
  for (int status : {200, 201, 204}) EXPECT_EQ(ExitCodeForStatus(status), ExitCode::ok);
  for (int status : {400, 401, 403, 404, 409, 413, 429}) {
    EXPECT_EQ(ExitCodeForStatus(status), ExitCode::refused) << status;
  }
  for (int status : {500, 502, 503, 504, 101, 301, 302}) {
    EXPECT_EQ(ExitCodeForStatus(status), ExitCode::unavailable) << status;
  }
}

TEST(CliExitCodesTest, FromReplayJobOutcome) {
  EXPECT_EQ(ExitCodeForJob("completed", 0), ExitCode::ok);
  EXPECT_EQ(ExitCodeForJob("completed", 1), ExitCode::not_delivered);
  EXPECT_EQ(ExitCodeForJob("cancelled", 0), ExitCode::not_delivered);
}

TEST(CliExitCodesTest, RecognisesTheApiErrorShape) {
  EXPECT_TRUE(IsApiErrorReply(R"({"error":{"code":"not_found","message":"gone"}})"));
  EXPECT_TRUE(IsApiErrorReply(R"({"error":{"message":"gone"}})"));
  EXPECT_FALSE(IsApiErrorReply(R"({"error":"gone"})"));
  EXPECT_FALSE(IsApiErrorReply(R"({"error":{"code":"not_found"}})"));
  EXPECT_FALSE(IsApiErrorReply("<html>Not Found</html>"));
  EXPECT_FALSE(IsApiErrorReply(""));
}

TEST(CliExitCodesTest, ErrorRepliesReadAsTheApiMessage) {
  EXPECT_EQ(DescribeErrorReply(
                401, R"({"error":{"code":"unauthorized","message":"the API key is not valid"}})"),
            "the API key is not valid (unauthorized, HTTP 401)");
  EXPECT_EQ(DescribeErrorReply(400, R"({"error":{"message":"'name' is required"}})"),
            "'name' is required (HTTP 400)");
  EXPECT_EQ(DescribeErrorReply(502, "<html>Bad Gateway</html>"),
            "HTTP 502: <html>Bad Gateway</html>");
  EXPECT_EQ(DescribeErrorReply(503, ""), "HTTP 503 with an empty body");
  EXPECT_EQ(DescribeErrorReply(500, std::string(300, 'x')),
            "HTTP 500: " + std::string(200, 'x') + "...");
}

}  // namespace
}  // namespace rehook::cli
