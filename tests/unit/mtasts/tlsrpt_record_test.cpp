// RFC 8460 §3: the _smtp._tls TXT record, its rua URIs, and selection among TXT records.
#include "mtasts/tlsrpt_record.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace mtasts {
namespace {

using ::mtasts::support::codes;
using ::testing::ElementsAreArray;

struct TlsRptCase {
  const char* name;
  std::vector<std::string> records;
  bool valid;
  std::vector<std::string> rua;
  std::vector<std::string> codes;  // sorted
};

std::ostream& operator<<(std::ostream& os, const TlsRptCase& c) {
  return os << c.name;
}

class TlsRptRecordTable : public ::testing::TestWithParam<TlsRptCase> {};

TEST_P(TlsRptRecordTable, GivesTheRfcVerdict) {
  const TlsRptCase& c = GetParam();
  const TlsRptRecord r = evaluate_tlsrpt_records(c.records, "_smtp._tls.example.com");
  EXPECT_EQ(r.valid, c.valid);
  EXPECT_THAT(r.rua, ElementsAreArray(c.rua));
  EXPECT_THAT(codes(r.findings), ElementsAreArray(c.codes));
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Rfc8460, TlsRptRecordTable,
    ::testing::Values(
        // The examples of RFC 8460 §3.
        TlsRptCase{"RfcMailtoExample", {"v=TLSRPTv1;rua=mailto:reports@example.com"}, true, {"mailto:reports@example.com"}, {}},
        TlsRptCase{"RfcHttpsExample", {"v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt"}, true, {"https://reporting.example.com/v1/tlsrpt"}, {}},
        TlsRptCase{"TwoUris", {"v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x"}, true, {"mailto:a@example.com", "https://r.example.com/x"}, {}},
        TlsRptCase{"SpacesAroundComma", {"v=TLSRPTv1; rua=mailto:a@example.com , \tmailto:b@example.com"}, true, {"mailto:a@example.com", "mailto:b@example.com"}, {}},
        TlsRptCase{"TrailingDelimiter", {"v=TLSRPTv1; rua=mailto:a@example.com;"}, true, {"mailto:a@example.com"}, {}},
        TlsRptCase{"SchemeIsCaseInsensitive", {"v=TLSRPTv1; rua=MAILTO:a@example.com"}, true, {"MAILTO:a@example.com"}, {}},
        TlsRptCase{"PercentEncodedBang", {"v=TLSRPTv1; rua=mailto:tls%21rpt@example.com"}, true, {"mailto:tls%21rpt@example.com"}, {}},
        TlsRptCase{"MailtoWithQuery", {"v=TLSRPTv1; rua=mailto:a@example.com?subject=tlsrpt"}, true, {"mailto:a@example.com?subject=tlsrpt"}, {}},
        TlsRptCase{"HttpsWithPort", {"v=TLSRPTv1; rua=https://r.example.com:8443/tlsrpt"}, true, {"https://r.example.com:8443/tlsrpt"}, {}},
        TlsRptCase{"HttpsIpv6Literal", {"v=TLSRPTv1; rua=https://[2001:db8::1]/tlsrpt"}, true, {"https://[2001:db8::1]/tlsrpt"}, {}},
        TlsRptCase{"ExtensionField", {"v=TLSRPTv1; rua=mailto:a@example.com; ext=1"}, true, {"mailto:a@example.com"}, {"tlsrpt_unknown_field"}},
        TlsRptCase{"DuplicateRua", {"v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com"}, true, {"mailto:a@example.com"}, {"tlsrpt_duplicate_field"}},
        // One usable destination keeps the record valid; the unusable one is still an error.
        TlsRptCase{"OneUsableOneHttp", {"v=TLSRPTv1; rua=mailto:a@example.com,http://r.example.com/"}, true, {"mailto:a@example.com", "http://r.example.com/"}, {"tlsrpt_rua_invalid"}},
        // Pitfall: a bare address without mailto: (sys4/tlsrpt-reporter #54).
        TlsRptCase{"BareAddress", {"v=TLSRPTv1; rua=tlsrpt@example.com"}, false, {"tlsrpt@example.com"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"HttpScheme", {"v=TLSRPTv1; rua=http://r.example.com/"}, false, {"http://r.example.com/"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"UnencodedBang", {"v=TLSRPTv1; rua=mailto:tls!rpt@example.com"}, false, {"mailto:tls!rpt@example.com"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"MailtoWithoutAddress", {"v=TLSRPTv1; rua=mailto:"}, false, {"mailto:"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"MailtoWithoutAt", {"v=TLSRPTv1; rua=mailto:reports"}, false, {"mailto:reports"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"MailtoBadDomain", {"v=TLSRPTv1; rua=mailto:a@bad_domain.example"}, false, {"mailto:a@bad_domain.example"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"MailtoSpaceInside", {"v=TLSRPTv1; rua=mailto:a@ex ample.com"}, false, {"mailto:a@ex ample.com"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"HttpsWithoutSlashes", {"v=TLSRPTv1; rua=https:r.example.com"}, false, {"https:r.example.com"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"HttpsWithoutHost", {"v=TLSRPTv1; rua=https:///x"}, false, {"https:///x"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"HttpsUserInfo", {"v=TLSRPTv1; rua=https://u@r.example.com/"}, false, {"https://u@r.example.com/"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"BadPercentEscape", {"v=TLSRPTv1; rua=mailto:a%2@example.com"}, false, {"mailto:a%2@example.com"}, {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        TlsRptCase{"NoRua", {"v=TLSRPTv1;"}, false, {}, {"tlsrpt_invalid"}},
        TlsRptCase{"EmptyRua", {"v=TLSRPTv1; rua="}, false, {}, {"tlsrpt_invalid"}},
        TlsRptCase{"TrailingComma", {"v=TLSRPTv1; rua=mailto:a@example.com,"}, false, {"mailto:a@example.com"}, {"tlsrpt_invalid"}},
        TlsRptCase{"UppercaseRuaName", {"v=TLSRPTv1; RUA=mailto:a@example.com"}, false, {}, {"tlsrpt_invalid", "tlsrpt_unknown_field"}},
        TlsRptCase{"TrailingSpace", {"v=TLSRPTv1; rua=mailto:a@example.com "}, false, {}, {"tlsrpt_invalid"}},
        TlsRptCase{"ExtensionValueWithSpace", {"v=TLSRPTv1; rua=mailto:a@example.com; x=a b"}, false, {"mailto:a@example.com"}, {"tlsrpt_invalid"}},
        TlsRptCase{"NulByte", {std::string("v=TLSRPTv1; rua=mailto:a@example.com\0", 37)}, false, {}, {"tlsrpt_invalid"}},
        TlsRptCase{"NonAscii", {"v=TLSRPTv1; rua=mailto:a@b\xc3\xbc.example"}, false, {}, {"tlsrpt_invalid"}},
        // Selection among several TXT records (§3).
        TlsRptCase{"LowercaseVersion", {"v=tlsrptv1; rua=mailto:a@example.com"}, false, {}, {"tlsrpt_invalid"}},
        TlsRptCase{"LeadingSpace", {" v=TLSRPTv1; rua=mailto:a@example.com"}, false, {}, {"tlsrpt_invalid"}},
        TlsRptCase{"OtherRecordsDiscarded", {"v=spf1 -all", "v=TLSRPTv1; rua=mailto:a@example.com"}, true, {"mailto:a@example.com"}, {}},
        TlsRptCase{"TwoRecords", {"v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com"}, false, {}, {"tlsrpt_multiple"}},
        TlsRptCase{"NoRecords", {}, false, {}, {"tlsrpt_missing"}},
        TlsRptCase{"OnlyOtherRecords", {"v=spf1 -all"}, false, {}, {"tlsrpt_missing"}},
        TlsRptCase{"EmptyString", {""}, false, {}, {"tlsrpt_missing"}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });
// clang-format on

TEST(RuaUri, BareAddressMessageSuggestsMailto) {
  auto valid = validate_rua_uri("tlsrpt@example.com");
  ASSERT_FALSE(valid);
  EXPECT_THAT(valid.error(), ::testing::HasSubstr("mailto:tlsrpt@example.com"));
}

}  // namespace
}  // namespace mtasts
