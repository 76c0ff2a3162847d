#include "report/json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mtasts::report {
namespace {

TEST(FindingJson, HasTheContractFields) {
  const Finding f = make_finding(FindingCode::policy_http_status, "mta-sts.example.org",
                                 "policy host answered 403 Forbidden; senders need 200");
  const Json j = to_json(f);
  EXPECT_EQ(j.at("severity"), "error");
  EXPECT_EQ(j.at("code"), "policy_http_status");
  EXPECT_EQ(j.at("subject"), "mta-sts.example.org");
  EXPECT_EQ(j.at("message"), "policy host answered 403 Forbidden; senders need 200");
  EXPECT_EQ(j.at("rfc"), "RFC 8461 §3.3");
  EXPECT_THAT(j.at("advice").get<std::string>(), ::testing::HasSubstr("200"));
}

TEST(Dump, InvalidUtf8FromTheNetworkDoesNotThrow) {
  const Json j{{"value", std::string("ok\xff\xfe")}};
  std::string text;
  EXPECT_NO_THROW(text = dump(j, -1));
  EXPECT_EQ(nlohmann::json::parse(text).at("value"), "ok\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace mtasts::report
