// RFC 8461 §3.1: the _mta-sts TXT record and the selection among a name's TXT records.
#include "mtasts/sts_record.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace mtasts {
namespace {

using ::mtasts::support::codes;
using ::testing::ElementsAreArray;

struct StsCase {
  const char* name;
  std::vector<std::string> records;  // every TXT record at _mta-sts.<domain>
  bool valid;
  std::optional<std::string> id;
  std::vector<std::string> codes;  // sorted
};

std::ostream& operator<<(std::ostream& os, const StsCase& c) {
  return os << c.name;
}

class StsRecordTable : public ::testing::TestWithParam<StsCase> {};

TEST_P(StsRecordTable, GivesTheRfcVerdict) {
  const StsCase& c = GetParam();
  const StsRecord r = evaluate_sts_records(c.records, "_mta-sts.example.com");
  EXPECT_EQ(r.valid, c.valid);
  EXPECT_EQ(r.id, c.id);
  EXPECT_THAT(codes(r.findings), ElementsAreArray(c.codes));
  for (const auto& f : r.findings) {
    EXPECT_EQ(f.subject, "_mta-sts.example.com");
    EXPECT_FALSE(f.message.empty());
  }
}

const std::string k32(32, 'a');
const std::string k33(33, 'a');

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Rfc8461, StsRecordTable,
    ::testing::Values(
        // The examples of RFC 8461 §3.1 and §8.2.
        StsCase{"RfcExample", {"v=STSv1; id=20160831085700Z;"}, true, "20160831085700Z", {}},
        StsCase{"NoTrailingDelimiter", {"v=STSv1; id=20160831085700Z"}, true, "20160831085700Z", {}},
        StsCase{"NoSpaces", {"v=STSv1;id=20190429T010101"}, true, "20190429T010101", {}},
        StsCase{"SpaceBeforeSemicolonErratum6285", {"v=STSv1 ; id=1"}, true, "1", {}},
        StsCase{"TabsAroundDelimiter", {"v=STSv1;\tid=1;\t"}, true, "1", {}},
        StsCase{"TrailingDelimiterWithSpace", {"v=STSv1; id=1; "}, true, "1", {}},
        StsCase{"IdOf32Characters", {"v=STSv1; id=" + k32}, true, k32, {}},
        StsCase{"MixedCaseId", {"v=STSv1; id=AbC123"}, true, "AbC123", {}},
        StsCase{"ExtensionField", {"v=STSv1; id=1; ext=value"}, true, "1", {"sts_record_unknown_field"}},
        StsCase{"ExtensionBeforeId", {"v=STSv1; a.b_c-d=x; id=1"}, true, "1", {"sts_record_unknown_field"}},
        StsCase{"DuplicateIdFirstWins", {"v=STSv1; id=1; id=2"}, true, "1", {"sts_record_duplicate_field"}},
        StsCase{"DuplicateVersion", {"v=STSv1; v=STSv1; id=1"}, true, "1", {"sts_record_duplicate_field"}},
        // Pitfalls: ids with dashes, dots, colons or too long; missing id.
        StsCase{"IdWithDashes", {"v=STSv1; id=2024-01-01"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"IdWithDotAndColon", {"v=STSv1; id=2024.01.01T10:00"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"IdOf33Characters", {"v=STSv1; id=" + k33}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"EmptyId", {"v=STSv1; id="}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"NoId", {"v=STSv1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"NoIdTrailingSemicolon", {"v=STSv1;"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"UppercaseIdName", {"v=STSv1; ID=1"}, false, std::nullopt, {"sts_record_invalid", "sts_record_unknown_field"}},
        StsCase{"FirstIdInvalidSecondIgnored", {"v=STSv1; id=a-b; id=2"}, false, std::nullopt, {"sts_record_duplicate_field", "sts_record_invalid"}},
        StsCase{"SpacesAroundEquals", {"v=STSv1; id = 1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"FieldWithoutEquals", {"v=STSv1; id1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"DoubleSemicolon", {"v=STSv1;; id=1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"TrailingSpaceWithoutDelimiter", {"v=STSv1; id=1 "}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"MissingDelimiterAfterVersion", {"v=STSv1 id=1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"EmptyExtensionValue", {"v=STSv1; id=1; ext="}, false, "1", {"sts_record_invalid"}},
        StsCase{"ExtensionValueWithSpace", {"v=STSv1; id=1; ext=a b"}, false, "1", {"sts_record_invalid"}},
        StsCase{"ExtensionNameWithUnderscoreFirst", {"v=STSv1; id=1; _x=1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"NulByte", {std::string("v=STSv1; id=1\0", 14)}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"NonAsciiUtf8", {"v=STSv1; id=caf\xc3\xa9"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"InvalidUtf8", {"v=STSv1; id=1\xff"}, false, std::nullopt, {"sts_record_invalid"}},
        // Records senders discard: not beginning with v=STSv1 exactly.
        StsCase{"LowercaseVersion", {"v=stsv1; id=1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"LeadingSpace", {" v=STSv1; id=1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"OtherVersion", {"v=STSv2; id=1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"VersionNotFirst", {"id=1; v=STSv1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"EmptyString", {""}, false, std::nullopt, {"sts_record_missing"}},
        StsCase{"OnlySpf", {"v=spf1 -all"}, false, std::nullopt, {"sts_record_missing"}},
        StsCase{"NoRecords", {}, false, std::nullopt, {"sts_record_missing"}},
        // Selection among several TXT records (§3.1): others discarded, exactly one.
        StsCase{"OtherRecordsDiscarded", {"v=spf1 -all", "v=STSv1; id=1", "google-site-verification=x"}, true, "1", {}},
        StsCase{"WrongCaseRecordDiscarded", {"v=STSv1; id=1", "v=stsv1; id=2"}, true, "1", {"sts_record_discarded"}},
        // Not two records: the one without ';' is discarded before counting (§3.1).
        StsCase{"VersionWithoutSemicolonDiscarded", {"v=STSv1; id=1", "v=STSv1"}, true, "1", {"sts_record_discarded"}},
        StsCase{"VersionWithoutSemicolonAlone", {"v=STSv1"}, false, std::nullopt, {"sts_record_invalid"}},
        StsCase{"TwoRecords", {"v=STSv1; id=1", "v=STSv1; id=2"}, false, std::nullopt, {"sts_record_multiple"}},
        StsCase{"TwoIdenticalRecords", {"v=STSv1; id=1", "v=STSv1; id=1"}, false, std::nullopt, {"sts_record_multiple"}},
        StsCase{"ValidAndInvalidBothCount", {"v=STSv1; id=1", "v=STSv1; id=a-b"}, false, std::nullopt, {"sts_record_multiple"}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });
// clang-format on

TEST(StsRecord, ParseKeepsExtensionsInOrderFirstOfEachName) {
  const StsRecord r = parse_sts_record("v=STSv1; b=2; id=x; a=1; b=3", "s");
  ASSERT_EQ(r.extensions.size(), 2u);
  EXPECT_EQ(r.extensions[0].name, "b");
  EXPECT_EQ(r.extensions[0].value, "2");
  EXPECT_EQ(r.extensions[1].name, "a");
}

TEST(StsRecord, MessagesQuoteUntrustedTextSafely) {
  const StsRecord r = parse_sts_record("v=STSv1; id=\x1b[31mred", "s");
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.findings[0].message.find('\x1b'), std::string::npos);
}

TEST(StsRecord, MultipleNamesEachRecordInMessage) {
  const std::vector<std::string> records{"v=STSv1; id=1", "v=STSv1; id=2"};
  const StsRecord r = evaluate_sts_records(records, "s");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_THAT(r.findings[0].message, ::testing::HasSubstr("id=1"));
  EXPECT_THAT(r.findings[0].message, ::testing::HasSubstr("id=2"));
}

}  // namespace
}  // namespace mtasts
