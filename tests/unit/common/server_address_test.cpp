#include "common/server_address.hpp"

#include <gtest/gtest.h>

namespace mtasts {
namespace {

TEST(ParseServerAddress, AcceptsTheForms) {
  EXPECT_EQ(parse_server_address("127.0.0.53")->ares_form, "127.0.0.53:53");
  EXPECT_EQ(parse_server_address("127.0.0.53:5353")->ares_form, "127.0.0.53:5353");
  EXPECT_EQ(parse_server_address("[fd00::53]:5353")->ares_form, "[fd00::53]:5353");
  EXPECT_EQ(parse_server_address("[fd00::53]:5353")->unbound_form, "fd00::53@5353");
  EXPECT_EQ(parse_server_address("127.0.0.53")->unbound_form, "127.0.0.53@53");
  EXPECT_EQ(parse_server_address("[fd00::53]")->ares_form, "[fd00::53]:53");
  EXPECT_EQ(parse_server_address("fd00::53")->ares_form, "[fd00::53]:53");
}

TEST(ParseServerAddress, ExplainsWhatIsWrong) {
  for (const char* bad : {"", "dns.example", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:x",
                          "[fd00::53", "[fd00::53]x", "1.2.3"}) {
    EXPECT_FALSE(parse_server_address(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace mtasts
