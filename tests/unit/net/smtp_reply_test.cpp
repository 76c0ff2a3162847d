// Reading SMTP replies (RFC 5321 §4.2) from a byte stream, with limits.
#include "net/smtp_reply.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mtasts::net {
namespace {

using ::testing::ElementsAre;

TEST(SmtpReplyReader, MultiLineEhloWithStarttlsLast) {
  SmtpReplyReader reader;
  ASSERT_TRUE(reader.feed(
      "250-mx.example.com Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n"));
  auto reply = reader.take();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, 250);
  EXPECT_THAT(reply->ehlo_keywords(), ElementsAre("PIPELINING", "SIZE", "STARTTLS"));
  EXPECT_TRUE(reply->has_keyword("starttls"));
  EXPECT_FALSE(reader.has_pending());
}

TEST(SmtpReplyReader, ByteByByteAndBareLf) {
  SmtpReplyReader reader;
  const std::string wire = "220 mx ESMTP\n";
  for (std::size_t i = 0; i + 1 < wire.size(); ++i) EXPECT_FALSE(reader.feed(wire.substr(i, 1)));
  EXPECT_TRUE(reader.feed("\n"));
  auto reply = reader.take();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->code, 220);
  EXPECT_THAT(reply->lines, ElementsAre("mx ESMTP"));
}

TEST(SmtpReplyReader, PipelinedRepliesComeOneByOne) {
  SmtpReplyReader reader;
  ASSERT_TRUE(reader.feed("250 ok\r\n221 bye\r\n"));
  EXPECT_EQ(reader.take()->code, 250);
  EXPECT_TRUE(reader.has_pending());  // the 221 is already here
  EXPECT_EQ(reader.take()->code, 221);
  EXPECT_FALSE(reader.has_pending());
  EXPECT_FALSE(reader.take());
}

TEST(SmtpReplyReader, CodeOnlyLineAndNoStarttls) {
  SmtpReplyReader reader;
  ASSERT_TRUE(reader.feed("250-mx\r\n250-8BITMIME\r\n250\r\n"));
  auto reply = reader.take();
  ASSERT_TRUE(reply);
  EXPECT_FALSE(reply->has_keyword("STARTTLS"));
  EXPECT_THAT(reply->ehlo_keywords(), ElementsAre("8BITMIME", ""));
}

TEST(SmtpReplyReader, Errors) {
  struct Case {
    std::string wire;
    SmtpReplyError error;
  };
  for (const Case& c :
       {Case{"hello\r\n", SmtpReplyError::malformed}, Case{"25 x\r\n", SmtpReplyError::malformed},
        Case{"250x\r\n", SmtpReplyError::malformed},
        // Reply codes run from 200 to 559 (RFC 5321 §4.2).
        Case{"022 x\r\n", SmtpReplyError::malformed}, Case{"199 x\r\n", SmtpReplyError::malformed},
        Case{"260 x\r\n", SmtpReplyError::malformed}, Case{"650 x\r\n", SmtpReplyError::malformed},
        Case{"250-a\r\n251 b\r\n", SmtpReplyError::mixed_codes},
        Case{std::string(3000, '2'), SmtpReplyError::line_too_long},
        Case{"250 " + std::string(3000, 'x') + "\r\n", SmtpReplyError::line_too_long}}) {
    SmtpReplyReader reader;
    EXPECT_TRUE(reader.feed(c.wire));
    EXPECT_EQ(reader.error(), c.error) << c.wire.substr(0, 20);
  }
  SmtpReplyReader many(SmtpLimits{.max_line = 100, .max_lines = 5});
  std::string wire;
  for (int i = 0; i < 10; ++i) wire += "250-line\r\n";
  EXPECT_TRUE(many.feed(wire));
  EXPECT_EQ(many.error(), SmtpReplyError::too_many_lines);
}

}  // namespace
}  // namespace mtasts::net
