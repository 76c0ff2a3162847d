// The policy fetch against real nginx in the lab (tests/lab/lab.sh): certificates made by
// the lab's CA, good and broken on purpose, and the HTTP answers operators get wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "lab_dir.hpp"
#include "net/chain_verifier.hpp"
#include "net/policy_fetch.hpp"
#include "run_awaitable.hpp"

namespace mtasts::net {
namespace {

using namespace std::chrono_literals;
using mtasts::support::run_awaitable;
using ::testing::Contains;
using ::testing::HasSubstr;

using support::lab_dir;

class LabPolicyFetch : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    TlsOptions options;
    options.ca_file = lab_dir() + "/certs/ca.pem";
    auto made = make_tls_context(options);
    ASSERT_TRUE(made.has_value()) << made.error();
    context_ = made.value();
  }

  PolicyFetch fetch(std::string host, FetchOptions options = {}) {
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(GetParam()), 443);
    return run_awaitable<PolicyFetch>(
        io_, [&]() { return fetch_policy(*context_, host, endpoint, options); });
  }

  asio::io_context io_;
  std::shared_ptr<asio::ssl::context> context_;
};

TEST_P(LabPolicyFetch, GoodPolicy) {
  const PolicyFetch f = fetch("mta-sts.good.test");
  ASSERT_EQ(f.error, FetchError::none) << f.detail;
  ASSERT_TRUE(f.tls && f.response);
  EXPECT_TRUE(f.tls->certificate.verified) << f.tls->certificate.error;
  EXPECT_THAT(f.tls->version, ::testing::StartsWith("TLSv1."));
  EXPECT_THAT(f.tls->certificate.dns_names, Contains("mta-sts.good.test"));
  EXPECT_GT(f.tls->certificate.not_after, std::time(nullptr));
  EXPECT_EQ(f.response->status, 200);
  EXPECT_EQ(f.response->header("content-type"), "text/plain");
  EXPECT_THAT(f.response->body, ::testing::StartsWith("version: STSv1\r\nmode: enforce\r\n"));
  EXPECT_EQ(f.stage, FetchStage::done);
}

TEST_P(LabPolicyFetch, HttpAnswersAreReportedNotFollowed) {
  const PolicyFetch forbidden = fetch("mta-sts.forbidden.test");
  ASSERT_TRUE(forbidden.response);
  EXPECT_EQ(forbidden.response->status, 403);
  const PolicyFetch redirect = fetch("mta-sts.redirect.test");
  ASSERT_TRUE(redirect.response);
  EXPECT_EQ(redirect.response->status, 301);
  EXPECT_EQ(redirect.response->header("location"), "https://www.redirect.test/mta-sts.txt");
  const PolicyFetch ctype = fetch("mta-sts.ctype.test");
  ASSERT_TRUE(ctype.response);
  EXPECT_EQ(ctype.response->header("content-type"), "text/html");
}

TEST_P(LabPolicyFetch, TenMegabyteBodyIsCutAt64KiB) {
  const PolicyFetch f = fetch("mta-sts.big.test");
  EXPECT_EQ(f.error, FetchError::body_too_large);
  ASSERT_TRUE(f.response);
  EXPECT_EQ(f.response->body.size(), 64u * 1024u);
}

TEST_P(LabPolicyFetch, CertificateProblemsAreRecordedWithTheirFacts) {
  struct Case {
    const char* host;
    CertProblem problem;
  };
  for (const Case& c : {Case{"mta-sts.expired.test", CertProblem::expired},
                        Case{"mta-sts.wrongname.test", CertProblem::name_mismatch},
                        Case{"mta-sts.untrusted.test", CertProblem::untrusted}}) {
    const PolicyFetch f = fetch(c.host);
    ASSERT_TRUE(f.tls) << c.host << ": " << f.detail;
    EXPECT_FALSE(f.tls->certificate.verified) << c.host;
    EXPECT_THAT(f.tls->certificate.problems, Contains(c.problem)) << c.host;
    EXPECT_GT(f.tls->certificate.not_after, 0) << c.host;  // the dates, even when invalid
    EXPECT_FALSE(f.tls->certificate.error.empty()) << c.host;
    // The handshake went on, so the report also has what the server answered.
    ASSERT_TRUE(f.response) << c.host;
    EXPECT_EQ(f.response->status, 200) << c.host;
  }
  const PolicyFetch expired = fetch("mta-sts.expired.test");
  EXPECT_LT(expired.tls->certificate.not_after, std::time(nullptr));
  const PolicyFetch expiring = fetch("mta-sts.expiring.test");
  ASSERT_TRUE(expiring.tls);
  EXPECT_TRUE(expiring.tls->certificate.verified);
  EXPECT_LT(expiring.tls->certificate.not_after, std::time(nullptr) + 6 * 86400);
}

// Each distinct chain is verified once per context; the name is checked on every fetch.
TEST_P(LabPolicyFetch, ASecondFetchOfTheSameChainIsNotVerifiedAgain) {
  ChainVerifier* verifier = chain_verifier_of(context_->native_handle());
  ASSERT_NE(verifier, nullptr);
  const PolicyFetch first = fetch("mta-sts.wrongname.test");
  const auto verified = verifier->verifications();
  const PolicyFetch second = fetch("mta-sts.wrongname.test");
  EXPECT_EQ(verifier->verifications(), verified);
  ASSERT_TRUE(first.tls && second.tls);
  EXPECT_EQ(first.tls->certificate, second.tls->certificate);
  EXPECT_THAT(second.tls->certificate.problems, Contains(CertProblem::name_mismatch));
}

TEST_P(LabPolicyFetch, NothingListeningIsConnectRefused) {
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(GetParam()), 444);
  const PolicyFetch f = run_awaitable<PolicyFetch>(
      io_, [&]() { return fetch_policy(*context_, "mta-sts.good.test", endpoint, {}); });
  EXPECT_EQ(f.error, FetchError::connect_refused);
  EXPECT_EQ(f.stage, FetchStage::connect);
}

INSTANTIATE_TEST_SUITE_P(Lab, LabPolicyFetch, ::testing::Values("127.0.0.80", "fd00:6d74:7374::80"),
                         [](const auto& param_info) {
                           return std::string(param_info.index == 0 ? "Ipv4" : "Ipv6");
                         });

}  // namespace
}  // namespace mtasts::net
