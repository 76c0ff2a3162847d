// The resolver against a real authoritative server (NSD) in the lab's network namespace
// (tests/lab/lab.sh, zones in tests/lab/zones). ctest runs this inside the namespace.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dns/dns_error.hpp"
#include "dns/resolver.hpp"
#include "run_awaitable.hpp"

namespace mtasts::dns {
namespace {

using namespace std::chrono_literals;
using mtasts::support::run_awaitable;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr const char* kLabDnsV4 = "127.0.0.53";
constexpr const char* kLabDnsV6 = "[fd00:6d74:7374::53]:53";

class LabDns : public ::testing::TestWithParam<std::pair<const char*, bool>> {
 protected:
  void SetUp() override {
    ResolverOptions options;
    options.servers = {GetParam().first};
    options.tcp_only = GetParam().second;
    options.attempt_timeout = 1s;
    auto created = Resolver::create(io_.get_executor(), options);
    ASSERT_TRUE(created.has_value()) << created.error();
    resolver_ = std::move(created.value());
  }

  Lookup<std::vector<std::string>> txt(std::string name) {
    return run_awaitable<Lookup<std::vector<std::string>>>(io_,
                                                           [&]() { return resolver_->txt(name); });
  }
  Lookup<std::vector<MxRecord>> mx(std::string name) {
    return run_awaitable<Lookup<std::vector<MxRecord>>>(io_, [&]() { return resolver_->mx(name); });
  }
  Lookup<std::vector<asio::ip::address>> addresses(std::string name, bool ipv6) {
    return run_awaitable<Lookup<std::vector<asio::ip::address>>>(
        io_, [&]() { return resolver_->addresses(name, ipv6); });
  }

  asio::io_context io_;
  std::unique_ptr<Resolver> resolver_;
};

TEST_P(LabDns, TxtRecords) {
  auto one = txt("txt.test");
  ASSERT_FALSE(one.error) << one.error.message();
  EXPECT_THAT(one.records, ElementsAre("v=STSv1; id=1"));
  EXPECT_THAT(txt("multi.test").records, ElementsAre("v=STSv1; id=abc"));  // strings joined
  EXPECT_THAT(txt("several.test").records, UnorderedElementsAre("first", "v=STSv1; id=2"));
}

TEST_P(LabDns, LargeTxtNeedsTcpAfterTruncation) {
  auto big = txt("big.test");
  ASSERT_FALSE(big.error) << big.error.message();
  ASSERT_EQ(big.records.size(), 1u);
  EXPECT_EQ(big.records[0].size(), 12u * 244u);
  EXPECT_TRUE(big.records[0].starts_with("s00-x"));
}

TEST_P(LabDns, NxdomainNodataAndRefusedStayDistinct) {
  EXPECT_EQ(classify(txt("nothere.test").error), DnsFailure::nxdomain);
  EXPECT_EQ(classify(txt("host.test").error), DnsFailure::nodata);  // has A, no TXT
  EXPECT_EQ(classify(addresses("v4only.test", true).error), DnsFailure::nodata);
  // NSD refuses names outside the zones it serves.
  EXPECT_EQ(classify(txt("example.org").error), DnsFailure::refused);
}

TEST_P(LabDns, MxAndNullMx) {
  auto found = mx("mx.test");
  ASSERT_FALSE(found.error) << found.error.message();
  EXPECT_THAT(found.records,
              UnorderedElementsAre(MxRecord{10, "mx1.test"}, MxRecord{20, "mx2.test"}));
  EXPECT_THAT(mx("nullmx.test").records, ElementsAre(MxRecord{0, ""}));
  EXPECT_EQ(classify(mx("txt.test").error), DnsFailure::nodata);
}

TEST_P(LabDns, AddressesOfBothFamilies) {
  EXPECT_THAT(addresses("host.test", false).records,
              UnorderedElementsAre(asio::ip::make_address("127.0.1.1"),
                                   asio::ip::make_address("127.0.1.2")));
  EXPECT_THAT(addresses("host.test", true).records,
              ElementsAre(asio::ip::make_address("fd00:6d74:7374::1:1")));
}

TEST_P(LabDns, CnameChainsAreFollowed) {
  auto in_zone = txt("alias2.test");  // alias2 -> alias -> txt, all in one answer
  ASSERT_FALSE(in_zone.error) << in_zone.error.message();
  EXPECT_THAT(in_zone.records, ElementsAre("v=STSv1; id=1"));
  EXPECT_THAT(in_zone.cname_chain, ElementsAre("alias.test", "txt.test"));
  // NSD answers only the CNAME for a target in another zone: the resolver asks again.
  auto cross = txt("cross.test");
  ASSERT_FALSE(cross.error) << cross.error.message();
  EXPECT_THAT(cross.records, ElementsAre("v=STSv1; id=cross"));
  EXPECT_THAT(cross.cname_chain, ElementsAre("target.example"));
  EXPECT_EQ(classify(txt("loop1.test").error), DnsFailure::cname_loop);
}

INSTANTIATE_TEST_SUITE_P(Lab, LabDns,
                         ::testing::Values(std::pair{kLabDnsV4, false}, std::pair{kLabDnsV6, false},
                                           std::pair{kLabDnsV4, true}),
                         [](const auto& param_info) {
                           return std::string(param_info.index == 0   ? "Ipv4Udp"
                                              : param_info.index == 1 ? "Ipv6Udp"
                                                                      : "Ipv4TcpOnly");
                         });

}  // namespace
}  // namespace mtasts::dns
