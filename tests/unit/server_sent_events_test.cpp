#include "common/server_sent_events.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

TEST(SseParserTest, ReadsMessagesSplitAnywhereWithEveryLineEnding) {
  const std::string stream =
      ": hello\r\nretry: 2000\r\n\r\nid: evt_1\r\nevent: event\r\ndata: {\"a\":1}\r\n\r\n"
      "id: evt_2\revent: event\rdata: x\rdata: y\r\r:\n\nevent: close\ndata: {}\n\n";
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    SseParser parser;
    parser.Feed(std::string_view(stream).substr(0, split));
    std::vector<SseMessage> got;
    while (auto message = parser.Next()) got.push_back(*message);
    parser.Feed(std::string_view(stream).substr(split));
    while (auto message = parser.Next()) got.push_back(*message);
    ASSERT_EQ(got.size(), 3u) << "split at " << split;
    EXPECT_EQ(got[0].id, "evt_1");
    EXPECT_EQ(got[0].event, "event");
    EXPECT_EQ(got[0].data, "{\"a\":1}");
    EXPECT_EQ(got[1].id, "evt_2");
    EXPECT_EQ(got[1].data, "x\ny");  // data lines joined
    EXPECT_EQ(got[2].event, "close");
    EXPECT_EQ(parser.comments(), 2);  // ": hello" and the heartbeat ":"
  }
}

TEST(SseParserTest, ABlockWithoutDataIsNoMessageAndTheDefaultTypeIsMessage) {
  SseParser parser;
  parser.Feed("id: 7\n\ndata: plain\n\n");
  auto message = parser.Next();
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->event, "message");
  EXPECT_EQ(message->data, "plain");
  EXPECT_FALSE(parser.Next().has_value());
}

}  // namespace
}  // namespace rehook
