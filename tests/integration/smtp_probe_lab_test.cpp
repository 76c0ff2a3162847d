// The STARTTLS probe against real Postfix listeners in the lab (tests/lab/lab.sh), with
// certificates from the lab's CA, good and broken on purpose.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "lab_dir.hpp"
#include "net/smtp_probe.hpp"
#include "run_awaitable.hpp"

namespace mtasts::net {
namespace {

using mtasts::support::run_awaitable;
using ::testing::Contains;

class LabSmtp : public ::testing::TestWithParam<bool> {  // IPv6?
 protected:
  void SetUp() override {
    TlsOptions options;
    options.ca_file = mtasts::support::lab_dir() + "/certs/ca.pem";
    options.min_version = TLS1_VERSION;
    auto made = make_tls_context(options);
    ASSERT_TRUE(made.has_value());
    context_ = made.value();
  }

  SmtpProbe probe(std::string host, int last_octet) {
    const std::string address = GetParam() ? fmt::format("fd00:6d74:7374::{}", last_octet)
                                           : fmt::format("127.0.0.{}", last_octet);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(address), 25);
    SmtpOptions options;
    options.ehlo_name = "probe.lab.test";
    return run_awaitable<SmtpProbe>(
        io_, [&]() { return probe_smtp(*context_, host, endpoint, options); });
  }

  asio::io_context io_;
  std::shared_ptr<asio::ssl::context> context_;
};

TEST_P(LabSmtp, GoodMxNegotiatesTlsWithAValidCertificate) {
  const SmtpProbe p = probe("mx1.good.test", 25);
  ASSERT_EQ(p.error, SmtpError::none) << p.detail;
  EXPECT_EQ(p.stage, SmtpStage::done);
  EXPECT_TRUE(p.starttls_offered);
  EXPECT_THAT(p.ehlo_keywords, Contains("STARTTLS"));
  EXPECT_THAT(p.banner, ::testing::HasSubstr("ESMTP"));
  ASSERT_TRUE(p.tls);
  EXPECT_TRUE(p.tls->certificate.verified) << p.tls->certificate.error;
  EXPECT_THAT(p.tls->version, ::testing::AnyOf("TLSv1.2", "TLSv1.3"));
  EXPECT_FALSE(p.tls->cipher.empty());
  // A wildcard in the certificate covers one label: "x.mx.good.test".
  const SmtpProbe wildcard = probe("x.mx.good.test", 25);
  ASSERT_TRUE(wildcard.tls);
  EXPECT_TRUE(wildcard.tls->certificate.verified);
}

TEST_P(LabSmtp, CertificateProblemsAreRecorded) {
  struct Case {
    const char* host;
    int octet;
    CertProblem problem;
  };
  for (const Case& c : {Case{"mx.expired.test", 26, CertProblem::expired},
                        Case{"mx.wrongname.test", 27, CertProblem::name_mismatch},
                        Case{"mx.untrusted.test", 28, CertProblem::untrusted},
                        Case{"a.b.mx.good.test", 25, CertProblem::name_mismatch}}) {
    const SmtpProbe p = probe(c.host, c.octet);
    EXPECT_EQ(p.error, SmtpError::none) << c.host << ": " << p.detail;
    ASSERT_TRUE(p.tls) << c.host;
    EXPECT_FALSE(p.tls->certificate.verified) << c.host;
    EXPECT_THAT(p.tls->certificate.problems, Contains(c.problem)) << c.host;
    EXPECT_GT(p.tls->certificate.not_after, 0) << c.host;
  }
}

TEST_P(LabSmtp, NoStarttlsIsReported) {
  const SmtpProbe p = probe("mx.notls.test", 29);
  EXPECT_EQ(p.error, SmtpError::starttls_missing);
  EXPECT_FALSE(p.starttls_offered);
  EXPECT_FALSE(p.tls);
  EXPECT_EQ(p.last_code, 221);  // it said QUIT, and the server said goodbye
}

TEST_P(LabSmtp, NothingListeningIsConnectRefused) {
  const SmtpProbe p = probe("mx.none.test", 53);  // the DNS server: nothing on port 25
  EXPECT_EQ(p.error, SmtpError::connect_refused);
}

INSTANTIATE_TEST_SUITE_P(Lab, LabSmtp, ::testing::Values(false, true), [](const auto& param_info) {
  return std::string(param_info.param ? "Ipv6" : "Ipv4");
});

}  // namespace
}  // namespace mtasts::net
