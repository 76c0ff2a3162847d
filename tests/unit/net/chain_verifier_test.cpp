// A server's chain judged as libssl judges it, once per distinct chain: the verdict is
// remembered, the name check is made every time, and dates bound how long a verdict stands.
#include "net/chain_verifier.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "net/certificate.hpp"
#include "test_certs.hpp"

namespace mtasts::net {
namespace {

using support::KeyedCert;
using support::make_cert;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::time_t kDay = 86400;

struct StoreDeleter {
  void operator()(X509_STORE* store) const noexcept { X509_STORE_free(store); }
};
struct StackDeleter {
  void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_free(stack); }
};

class ChainVerifierTest : public ::testing::Test {
 protected:
  KeyedCert ca_ = make_cert({.cn = "Lab CA", .ca = true});
  KeyedCert leaf_ = make_cert({.cn = "policy", .dns_names = {"mta-sts.example.com"}}, &ca_);
  std::unique_ptr<X509_STORE, StoreDeleter> store_{X509_STORE_new()};
  const std::time_t now_ = std::time(nullptr);

  void SetUp() override { X509_STORE_add_cert(store_.get(), ca_.cert.get()); }

  std::vector<long> verify(ChainVerifier& verifier, const KeyedCert& leaf, const std::string& host,
                           std::time_t at, int level = 2) {
    const std::unique_ptr<STACK_OF(X509), StackDeleter> chain(sk_X509_new_null());
    sk_X509_push(chain.get(), leaf.cert.get());
    return verifier.verify(store_.get(), chain.get(), host, level, at);
  }
};

TEST_F(ChainVerifierTest, VerifiesAChainOnceAndRemembersTheVerdict) {
  ChainVerifier verifier;
  EXPECT_THAT(verify(verifier, leaf_, "mta-sts.example.com", now_), IsEmpty());
  EXPECT_THAT(verify(verifier, leaf_, "mta-sts.example.com", now_ + 60), IsEmpty());
  EXPECT_EQ(verifier.verifications(), 1u);
  EXPECT_EQ(verifier.remembered(), 1u);
}

// The handshake passes the digest describe_certificate took: the same chain, the same verdict.
TEST_F(ChainVerifierTest, AGivenLeafDigestFindsTheSameVerdict) {
  ChainVerifier verifier;
  verify(verifier, leaf_, "mta-sts.example.com", now_);
  const CertificateFacts facts = describe_certificate(leaf_.cert.get());
  const std::unique_ptr<STACK_OF(X509), StackDeleter> chain(sk_X509_new_null());
  sk_X509_push(chain.get(), leaf_.cert.get());
  EXPECT_THAT(
      verifier.verify(store_.get(), chain.get(), "mta-sts.example.com", 2, now_, facts.sha256),
      IsEmpty());
  EXPECT_EQ(verifier.verifications(), 1u);
}

TEST_F(ChainVerifierTest, ChecksTheNameEveryTime) {
  ChainVerifier verifier;
  EXPECT_THAT(verify(verifier, leaf_, "mta-sts.example.com", now_), IsEmpty());
  EXPECT_THAT(verify(verifier, leaf_, "mta-sts.example.org", now_),
              ElementsAre(X509_V_ERR_HOSTNAME_MISMATCH));
  EXPECT_EQ(verifier.verifications(), 1u);
}

TEST_F(ChainVerifierTest, AnUntrustedChainIsRememberedUntrusted) {
  const KeyedCert stranger = make_cert({.cn = "Other CA", .ca = true});
  const KeyedCert leaf = make_cert({.cn = "x", .dns_names = {"mta-sts.example.com"}}, &stranger);
  ChainVerifier verifier;
  const auto first = verify(verifier, leaf, "mta-sts.example.com", now_);
  EXPECT_THAT(first, ElementsAre(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                                 X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE));
  EXPECT_EQ(verify(verifier, leaf, "mta-sts.example.com", now_), first);
  EXPECT_EQ(verifier.verifications(), 1u);
}

TEST_F(ChainVerifierTest, AVerdictEndsWhenACertificateExpires) {
  const KeyedCert leaf =
      make_cert({.cn = "x", .dns_names = {"mta-sts.example.com"}, .not_after_days = 1}, &ca_);
  ChainVerifier verifier;
  EXPECT_THAT(verify(verifier, leaf, "mta-sts.example.com", now_), IsEmpty());
  EXPECT_THAT(verify(verifier, leaf, "mta-sts.example.com", now_ + 2 * kDay),
              ElementsAre(X509_V_ERR_CERT_HAS_EXPIRED));
  EXPECT_EQ(verifier.verifications(), 2u);
}

TEST_F(ChainVerifierTest, AVerdictEndsWhenACertificateBecomesValid) {
  const KeyedCert leaf =
      make_cert({.cn = "x", .dns_names = {"mta-sts.example.com"}, .not_before_days = 1}, &ca_);
  ChainVerifier verifier;
  EXPECT_THAT(verify(verifier, leaf, "mta-sts.example.com", now_),
              ElementsAre(X509_V_ERR_CERT_NOT_YET_VALID));
  EXPECT_THAT(verify(verifier, leaf, "mta-sts.example.com", now_ + 2 * kDay), IsEmpty());
}

TEST_F(ChainVerifierTest, AVerdictStandsAnHourAtMost) {
  ChainVerifier verifier;
  verify(verifier, leaf_, "mta-sts.example.com", now_);
  verify(verifier, leaf_, "mta-sts.example.com", now_ + 3599);
  EXPECT_EQ(verifier.verifications(), 1u);
  verify(verifier, leaf_, "mta-sts.example.com", now_ + 3601);
  EXPECT_EQ(verifier.verifications(), 2u);
}

TEST_F(ChainVerifierTest, TheSecurityLevelIsPartOfTheVerdict) {
  ChainVerifier verifier;
  verify(verifier, leaf_, "mta-sts.example.com", now_, 2);
  verify(verifier, leaf_, "mta-sts.example.com", now_, 0);
  EXPECT_EQ(verifier.verifications(), 2u);
  EXPECT_EQ(verifier.remembered(), 2u);
}

TEST_F(ChainVerifierTest, RemembersAtMostItsCapacity) {
  ChainVerifier verifier(2);
  std::vector<KeyedCert> leaves;
  for (int i = 0; i < 5; ++i) {
    leaves.push_back(make_cert({.cn = "x", .dns_names = {"mta-sts.example.com"}}, &ca_));
    EXPECT_THAT(verify(verifier, leaves.back(), "mta-sts.example.com", now_), IsEmpty());
    EXPECT_LE(verifier.remembered(), 2u);
  }
  EXPECT_EQ(verifier.verifications(), 5u);
}

TEST_F(ChainVerifierTest, NoChainIsAnError) {
  ChainVerifier verifier;
  EXPECT_THAT(verifier.verify(store_.get(), nullptr, "mta-sts.example.com", 2, now_),
              ElementsAre(X509_V_ERR_UNSPECIFIED));
}

}  // namespace
}  // namespace mtasts::net
