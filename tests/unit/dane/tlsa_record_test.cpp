// TLSA records from the wire and from zone files, and which ones SMTP senders can use.
#include "dane/tlsa_record.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mtasts::dane {
namespace {

using ::testing::HasSubstr;

const std::string kDigest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(TlsaPresentation, ReadsTheZoneFileForm) {
  const auto r = parse_tlsa_presentation("3 1 1 " + kDigest);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->usage, 3);
  EXPECT_EQ(r->selector, 1);
  EXPECT_EQ(r->matching, 1);
  ASSERT_EQ(r->data.size(), 32u);
  EXPECT_EQ(r->data[0], 0x01);
  EXPECT_EQ(to_presentation(*r), "3 1 1 " + kDigest);
}

TEST(TlsaPresentation, AcceptsTheTypeChunksAndUpperCase) {
  const auto r = parse_tlsa_presentation(
      "IN TLSA 2 0 1 0123456789ABCDEF0123456789abcdef\n"
      "  0123456789abcdef 0123456789abcdef");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->usage, 2);
  EXPECT_EQ(to_presentation(*r), "2 0 1 " + kDigest);
}

TEST(TlsaPresentation, SaysWhatIsWrong) {
  EXPECT_THAT(parse_tlsa_presentation("").error(), HasSubstr("usage field is missing"));
  EXPECT_THAT(parse_tlsa_presentation("3 1").error(), HasSubstr("matching type field is missing"));
  EXPECT_THAT(parse_tlsa_presentation("3 x 1 00").error(), HasSubstr("selector field \"x\""));
  EXPECT_THAT(parse_tlsa_presentation("256 1 1 00").error(), HasSubstr("usage field 256"));
  EXPECT_THAT(parse_tlsa_presentation("3 1 1").error(), HasSubstr("data is missing"));
  EXPECT_THAT(parse_tlsa_presentation("3 1 1 abc").error(), HasSubstr("odd number"));
  EXPECT_THAT(parse_tlsa_presentation("3 1 1 zz").error(), HasSubstr("'z'"));
  EXPECT_THAT(parse_tlsa_presentation(std::string("3 1 1 0\x01", 8)).error(), HasSubstr("\\x01"));
  EXPECT_THAT(parse_tlsa_presentation("3 1 0 " + std::string(40000, 'a')).error(),
              HasSubstr("longer than"));
}

TEST(TlsaRdata, ReadsTheWireForm) {
  const std::vector<unsigned char> wire = {3, 1, 1, 0xab, 0xcd};
  const auto r = parse_tlsa_rdata(wire);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, (TlsaRecord{3, 1, 1, {0xab, 0xcd}}));
  EXPECT_FALSE(parse_tlsa_rdata(std::vector<unsigned char>{3, 1}));
  EXPECT_FALSE(parse_tlsa_rdata(std::vector<unsigned char>(kMaxTlsaDataBytes + 4, 1)));
}

TEST(TlsaUsability, FollowsRfc7672) {
  const auto with = [](int usage, int selector, int matching, std::size_t bytes) {
    return TlsaRecord{static_cast<std::uint8_t>(usage), static_cast<std::uint8_t>(selector),
                      static_cast<std::uint8_t>(matching), std::vector<unsigned char>(bytes, 1)};
  };
  EXPECT_FALSE(unusable_reason(with(3, 1, 1, 32)));
  EXPECT_FALSE(unusable_reason(with(2, 0, 2, 64)));
  EXPECT_FALSE(unusable_reason(with(3, 0, 0, 500)));
  EXPECT_THAT(*unusable_reason(with(1, 1, 1, 32)), HasSubstr("PKIX-EE(1) is not used by SMTP"));
  EXPECT_THAT(*unusable_reason(with(0, 0, 1, 32)), HasSubstr("PKIX-TA(0)"));
  EXPECT_THAT(*unusable_reason(with(4, 1, 1, 32)), HasSubstr("usage 4 is not defined"));
  EXPECT_THAT(*unusable_reason(with(3, 2, 1, 32)), HasSubstr("selector 2"));
  EXPECT_THAT(*unusable_reason(with(3, 1, 3, 32)), HasSubstr("matching type 3"));
  EXPECT_THAT(*unusable_reason(with(3, 1, 1, 31)), HasSubstr("SHA-256 digest is 32 bytes"));
  EXPECT_THAT(*unusable_reason(with(3, 1, 2, 32)), HasSubstr("SHA-512 digest is 64 bytes"));
}

}  // namespace
}  // namespace mtasts::dane
