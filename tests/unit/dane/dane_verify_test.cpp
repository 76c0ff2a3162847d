// A chain judged against TLSA records as a DANE sender judges it (RFC 7672 §3.1), with
// certificates made in memory: DANE-EE ignores names and dates, DANE-TA does not.
#include "dane/dane_verify.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_certs.hpp"

namespace mtasts::dane {
namespace {

using support::CertSpec;
using support::make_cert;
using support::tlsa_sha256;

class DaneVerify : public ::testing::Test {
 protected:
  support::KeyedCert ca_ = make_cert({.cn = "Lab CA", .ca = true});
  support::KeyedCert leaf_ = make_cert({.cn = "mx", .dns_names = {"mx.example.net"}}, &ca_);
  const std::vector<std::string> names_ = {"mx.example.net"};

  DaneOutcome verify(const std::vector<TlsaRecord>& records, X509* leaf = nullptr,
                     std::vector<std::string> names = {}) {
    std::vector<X509*> chain = {leaf != nullptr ? leaf : leaf_.cert.get(), ca_.cert.get()};
    if (names.empty()) names = names_;
    return verify_chain(chain, records, names);
  }
  static TlsaRecord record(std::uint8_t usage, std::uint8_t selector, X509* cert) {
    return {usage, selector, 1, tlsa_sha256(cert, selector)};
  }
};

TEST_F(DaneVerify, DaneEeMatchesTheServersKey) {
  const auto out = verify({record(3, 1, leaf_.cert.get())});
  EXPECT_TRUE(out.matched) << out.error_text;
  EXPECT_EQ(out.depth, 0);
  ASSERT_TRUE(out.matched_record);
  EXPECT_EQ(out.matched_record->usage, 3);
}

TEST_F(DaneVerify, DaneEeIgnoresNamesAndDates) {
  const auto other = make_cert(
      {.dns_names = {"elsewhere.test"}, .not_before_days = -90, .not_after_days = -1}, &ca_);
  EXPECT_TRUE(verify({record(3, 1, other.cert.get())}, other.cert.get()).matched);
  EXPECT_TRUE(verify({record(3, 0, other.cert.get())}, other.cert.get()).matched);
}

TEST_F(DaneVerify, ADigestOfAnotherKeyDoesNotMatch) {
  const auto next = make_cert({.dns_names = {"mx.example.net"}}, &ca_);
  const auto out = verify({record(3, 1, next.cert.get())});
  EXPECT_FALSE(out.matched);
  EXPECT_EQ(out.error, X509_V_ERR_DANE_NO_MATCH);
  EXPECT_FALSE(out.error_text.empty());
}

// "3 1 1 current + 3 1 1 next": either key matches, so a renewal does not break delivery.
TEST_F(DaneVerify, AnyOfSeveralRecordsMayMatch) {
  const auto next = make_cert({.dns_names = {"mx.example.net"}}, &ca_);
  EXPECT_TRUE(verify({record(3, 1, next.cert.get()), record(3, 1, leaf_.cert.get())}).matched);
  EXPECT_TRUE(verify({record(3, 1, leaf_.cert.get())}, next.cert.get()).matched == false);
}

TEST_F(DaneVerify, DaneTaNeedsTheNameAndValidDates) {
  EXPECT_TRUE(verify({record(2, 1, ca_.cert.get())}).matched);
  const auto ta = verify({record(2, 0, ca_.cert.get())});
  EXPECT_TRUE(ta.matched) << ta.error_text;
  EXPECT_EQ(ta.depth, 1);
  const auto wrong_name = verify({record(2, 1, ca_.cert.get())}, nullptr, {"mx.other.test"});
  EXPECT_FALSE(wrong_name.matched);
  EXPECT_EQ(wrong_name.error, X509_V_ERR_HOSTNAME_MISMATCH);
  const auto expired = make_cert(
      {.dns_names = {"mx.example.net"}, .not_before_days = -90, .not_after_days = -1}, &ca_);
  const auto out = verify({record(2, 1, ca_.cert.get())}, expired.cert.get());
  EXPECT_FALSE(out.matched);
  EXPECT_EQ(out.error, X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_F(DaneVerify, UnusableRecordsAreIgnoredAsSendersDo) {
  // PKIX-EE(1) of the very certificate: senders doing DANE for SMTP do not use it.
  const auto out = verify({record(1, 1, leaf_.cert.get())});
  EXPECT_FALSE(out.matched);
  EXPECT_EQ(out.error, 0);
  EXPECT_EQ(out.error_text, "no usable TLSA record");
  EXPECT_TRUE(verify({record(1, 1, leaf_.cert.get()), record(3, 1, leaf_.cert.get())}).matched);
}

TEST_F(DaneVerify, NoCertificateIsNoMatch) {
  EXPECT_FALSE(
      verify_chain({}, std::vector<TlsaRecord>{record(3, 1, leaf_.cert.get())}, names_).matched);
}

}  // namespace
}  // namespace mtasts::dane
