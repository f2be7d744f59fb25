#include "store/header_codec.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

TEST(HeaderCodecTest, KeepsOrderCaseRepeatsAndBytes) {
  std::vector<HeaderField> headers = {{"X-Dup", "1"},
                                      {"content-TYPE", "application/json"},
                                      {"X-Dup", "2"},
                                      {"X-Binary", std::string("\xff\x00\x80", 3)},
                                      {"X-Empty", ""}};
  auto decoded = DecodeHeaders(EncodeHeaders(headers));
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), headers.size());
  for (size_t i = 0; i < headers.size(); ++i) {
    EXPECT_EQ((*decoded)[i].name, headers[i].name);
    EXPECT_EQ((*decoded)[i].value, headers[i].value);
  }
}

TEST(HeaderCodecTest, RejectsTruncatedInput) {
  std::string encoded = EncodeHeaders({{"Name", "value"}});
  for (size_t cut = 1; cut < encoded.size(); ++cut) {
    EXPECT_FALSE(DecodeHeaders(encoded.substr(0, cut)).has_value()) << cut;
  }
  EXPECT_TRUE(DecodeHeaders("").has_value());
}

}  // namespace
}  // namespace rehook
