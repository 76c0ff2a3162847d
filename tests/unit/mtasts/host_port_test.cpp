// "host:port" as written for an egress canary.
#include "mtasts/host_port.hpp"

#include <gtest/gtest.h>

namespace mtasts {
namespace {

TEST(HostPort, NamesAndAddresses) {
  const auto name = parse_host_port("Smtp.Example.NET.:25");
  ASSERT_TRUE(name) << name.error();
  EXPECT_EQ(name->host, "smtp.example.net");
  EXPECT_EQ(name->port, 25);
  const auto v4 = parse_host_port("192.0.2.7:2525");
  ASSERT_TRUE(v4) << v4.error();
  EXPECT_EQ(v4->host, "192.0.2.7");
  EXPECT_EQ(v4->port, 2525);
  const auto v6 = parse_host_port("[2001:db8::25]:25");
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_EQ(v6->host, "2001:db8::25");
}

TEST(HostPort, ClearErrors) {
  for (const char* bad : {"smtp.example.net", "smtp.example.net:", "smtp.example.net:0",
                          "smtp.example.net:65536", "smtp.example.net:25x", "2001:db8::25:25",
                          "[2001:db8::25]", "[nothost]:25", "bad_name.example:25", ":25"}) {
    const auto parsed = parse_host_port(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_FALSE(parsed.error().empty()) << bad;
  }
}

}  // namespace
}  // namespace mtasts
