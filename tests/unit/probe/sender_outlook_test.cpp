// Which policy senders apply and whether they would deliver, from hand-made facts.
#include "probe/sender_outlook.hpp"

#include <gtest/gtest.h>

#include "probe/evaluate.hpp"
#include "sample_report.hpp"

namespace mtasts::probe {
namespace {

using support::edit;
using support::with_dane;

DomainReport evaluated(DomainReport r) {
  evaluate(r, {});
  return r;
}

TEST(SenderOutlook, EnforcePolicyWithATrustedCertificateDelivers) {
  const auto outlook = sender_outlook(evaluated(support::healthy_facts()));
  ASSERT_TRUE(outlook);
  EXPECT_EQ(outlook->mta_sts.policy, SenderPolicy::enforce);
  EXPECT_EQ(outlook->mta_sts.delivers, Delivery::yes);
  EXPECT_FALSE(outlook->dane) << "DANE was not checked";
}

TEST(SenderOutlook, EnforcePolicyWithAnUntrustedCertificateDefers) {
  DomainReport r = support::healthy_facts();
  support::edit(r.mx[0].probes[0].tls).certificate.verified = false;
  const auto outlook = sender_outlook(evaluated(r));
  ASSERT_TRUE(outlook);
  EXPECT_EQ(outlook->mta_sts.delivers, Delivery::no);
  EXPECT_NE(outlook->mta_sts.why.find("defer"), std::string::npos);
}

TEST(SenderOutlook, EnforcePolicyThatNamesNoMxHostDefers) {
  DomainReport r = support::healthy_facts(
      "example.com", "1",
      "version: STSv1\r\nmode: enforce\r\nmx: other.example.net\r\nmax_age: 86400\r\n");
  const auto outlook = sender_outlook(evaluated(r));
  ASSERT_TRUE(outlook);
  EXPECT_EQ(outlook->mta_sts.policy, SenderPolicy::enforce);
  EXPECT_EQ(outlook->mta_sts.delivers, Delivery::no);
}

TEST(SenderOutlook, TestingModeDeliversWithoutTls) {
  DomainReport r = support::healthy_facts(
      "example.com", "1",
      "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 86400\r\n");
  r.mx[0].probes[0].error = net::SmtpError::starttls_missing;
  r.mx[0].probes[0].stage = net::SmtpStage::starttls;
  r.mx[0].probes[0].tls.reset();
  const auto outlook = sender_outlook(evaluated(r));
  ASSERT_TRUE(outlook);
  EXPECT_EQ(outlook->mta_sts.policy, SenderPolicy::testing);
  EXPECT_EQ(outlook->mta_sts.delivers, Delivery::yes);
}

TEST(SenderOutlook, NothingDeliversToUnreachableHosts) {
  DomainReport r = support::healthy_facts();
  r.port25_egress = Port25Egress::working;
  r.mx[0].probes[0].error = net::SmtpError::connect_refused;
  r.mx[0].probes[0].stage = net::SmtpStage::connect;
  r.mx[0].probes[0].tls.reset();
  const auto outlook = sender_outlook(evaluated(r));
  ASSERT_TRUE(outlook);
  EXPECT_EQ(outlook->mta_sts.delivers, Delivery::no);
}

TEST(SenderOutlook, UnknownWhenPort25IsBlockedOrMxNotProbed) {
  DomainReport blocked = support::healthy_facts();
  blocked.port25_egress = Port25Egress::blocked;
  EXPECT_EQ(sender_outlook(evaluated(blocked))->mta_sts.delivers, Delivery::unknown);
  DomainReport unprobed = support::healthy_facts();
  unprobed.mx_probed = false;
  unprobed.mx[0].probes.clear();
  EXPECT_EQ(sender_outlook(evaluated(unprobed))->mta_sts.delivers, Delivery::unknown);
}

TEST(SenderOutlook, NoOutlookForANullMxOrAFailedMxLookup) {
  DomainReport null_mx = support::healthy_facts();
  null_mx.null_mx = true;
  null_mx.mx.clear();
  EXPECT_FALSE(sender_outlook(evaluated(null_mx)));
  DomainReport failed = support::healthy_facts();
  failed.mx_failure = dns::DnsFailure::timeout;
  failed.mx.clear();
  EXPECT_FALSE(sender_outlook(evaluated(failed)));
}

TEST(SenderOutlook, DaneSendersUseDaneWhereTlsaIsSecure) {
  DomainReport r = support::healthy_facts();
  with_dane(r);
  const auto outlook = sender_outlook(evaluated(r));
  ASSERT_TRUE(outlook && outlook->dane);
  EXPECT_EQ(outlook->dane->policy, SenderPolicy::dane);
  EXPECT_EQ(outlook->dane->delivers, Delivery::yes);
  EXPECT_EQ(outlook->mta_sts.delivers, Delivery::yes);
}

// The outage DANE exists to catch: a renewed certificate the TLSA records no longer match.
// MTA-STS senders deliver (the certificate is trusted), DANE senders defer.
TEST(SenderOutlook, AStaleTlsaRecordStopsDaneSendersOnly) {
  DomainReport r = support::healthy_facts();
  with_dane(r);
  r.mx[0].probes[0].dane = dane::DaneOutcome{.matched = false, .error_text = "no match"};
  const auto outlook = sender_outlook(evaluated(r));
  ASSERT_TRUE(outlook && outlook->dane);
  EXPECT_EQ(outlook->dane->policy, SenderPolicy::dane);
  EXPECT_EQ(outlook->dane->delivers, Delivery::no);
  EXPECT_EQ(outlook->mta_sts.delivers, Delivery::yes);
}

// RFC 7672 §2.2.1: a provider's signed MX host serves an unsigned customer domain.
TEST(SenderOutlook, DaneAppliesToSecureHostsOfAnInsecureMxRrset) {
  DomainReport r = support::healthy_facts();
  with_dane(r);
  edit(r.dnssec).mx_security = dane::Security::insecure;
  EXPECT_TRUE(dane_applies(r, r.mx[0]));
  EXPECT_EQ(sender_outlook(evaluated(r))->dane->policy, SenderPolicy::dane);
}

TEST(SenderOutlook, BogusMxRecordsStopDaneSenders) {
  DomainReport r = support::healthy_facts();
  with_dane(r);
  edit(r.dnssec).mx_security = dane::Security::bogus;
  const auto outlook = sender_outlook(evaluated(r));
  ASSERT_TRUE(outlook && outlook->dane);
  EXPECT_FALSE(outlook->dane->policy);
  EXPECT_EQ(outlook->dane->delivers, Delivery::no);
  EXPECT_FALSE(dane_applies(r, r.mx[0]));
}

TEST(SenderOutlook, UnsignedTlsaLeavesDaneSendersOpportunistic) {
  DomainReport r = support::healthy_facts();
  with_dane(r);
  edit(r.mx[0].dane).tlsa_security = dane::Security::insecure;
  r.mx[0].probes[0].dane.reset();
  const auto outlook = sender_outlook(evaluated(r));
  ASSERT_TRUE(outlook && outlook->dane);
  EXPECT_EQ(outlook->dane->policy, SenderPolicy::none);
  EXPECT_EQ(outlook->dane->delivers, Delivery::yes);
}

TEST(SenderOutlook, AFailedValidatedLookupLeavesDaneUnknown) {
  DomainReport r = support::healthy_facts();
  with_dane(r);
  edit(r.mx[0].dane).error = "SERVFAIL";
  const auto outlook = sender_outlook(evaluated(r));
  ASSERT_TRUE(outlook && outlook->dane);
  EXPECT_FALSE(outlook->dane->policy);
  EXPECT_EQ(outlook->dane->delivers, Delivery::unknown);
}

TEST(SenderOutlook, OnlyUnusableRecordsStillRequireTls) {
  DomainReport r = support::healthy_facts();
  with_dane(r);
  for (auto& t : edit(r.mx[0].dane).tlsa) t.usage = 1;  // PKIX-EE: unusable for SMTP (§3.1.3)
  r.mx[0].probes[0].dane.reset();
  r.mx[0].probes[0].error = net::SmtpError::starttls_missing;
  r.mx[0].probes[0].stage = net::SmtpStage::starttls;
  r.mx[0].probes[0].tls.reset();
  const auto outlook = sender_outlook(evaluated(r));
  ASSERT_TRUE(outlook && outlook->dane);
  EXPECT_EQ(outlook->dane->policy, SenderPolicy::dane);
  EXPECT_EQ(outlook->dane->delivers, Delivery::no);
}

}  // namespace
}  // namespace mtasts::probe
