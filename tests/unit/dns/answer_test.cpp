// Parsing raw DNS answers into typed records, with packets built by hand.
#include "dns/answer.hpp"

#include <ares.h>
#include <arpa/nameser.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dns/dns_error.hpp"

namespace mtasts::dns {
namespace {

using Bytes = std::vector<unsigned char>;

void put16(Bytes& b, unsigned v) {
  b.push_back(static_cast<unsigned char>(v >> 8));
  b.push_back(static_cast<unsigned char>(v & 0xFF));
}

void put_name(Bytes& b, std::string_view name) {
  while (!name.empty()) {
    const auto dot = name.find('.');
    const auto label = name.substr(0, dot);
    b.push_back(static_cast<unsigned char>(label.size()));
    b.insert(b.end(), label.begin(), label.end());
    name = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  }
  b.push_back(0);
}

struct Rr {
  std::string owner;
  int type;
  Bytes rdata;
};

Bytes message(std::string_view qname, int qtype, const std::vector<Rr>& answers) {
  Bytes b;
  put16(b, 0x1234);  // id
  put16(b, 0x8180);  // response, RD, RA, NOERROR
  put16(b, 1);
  put16(b, static_cast<unsigned>(answers.size()));
  put16(b, 0);
  put16(b, 0);
  put_name(b, qname);
  put16(b, static_cast<unsigned>(qtype));
  put16(b, ns_c_in);
  for (const auto& rr : answers) {
    put_name(b, rr.owner);
    put16(b, static_cast<unsigned>(rr.type));
    put16(b, ns_c_in);
    put16(b, 0);
    put16(b, 300);  // ttl
    put16(b, static_cast<unsigned>(rr.rdata.size()));
    b.insert(b.end(), rr.rdata.begin(), rr.rdata.end());
  }
  return b;
}

Bytes txt_rdata(std::initializer_list<std::string_view> strings) {
  Bytes b;
  for (auto s : strings) {
    b.push_back(static_cast<unsigned char>(s.size()));
    b.insert(b.end(), s.begin(), s.end());
  }
  return b;
}

Bytes name_rdata(std::string_view name) {
  Bytes b;
  put_name(b, name);
  return b;
}

TEST(ParseTxt, JoinsTheStringsOfEachRecord) {
  const Bytes m = message("_mta-sts.example.com", ns_t_txt,
                          {{"_mta-sts.example.com", ns_t_txt, txt_rdata({"v=STSv1; ", "id=1"})},
                           {"_mta-sts.example.com", ns_t_txt, txt_rdata({"v=spf1 -all"})}});
  std::vector<std::string> records;
  ASSERT_FALSE(parse_txt(m, records));
  EXPECT_THAT(records, ::testing::ElementsAre("v=STSv1; id=1", "v=spf1 -all"));
}

TEST(ParseTxt, EmptyStringAndBinaryBytesSurvive) {
  const Bytes m = message("t.example", ns_t_txt,
                          {{"t.example", ns_t_txt, txt_rdata({"", std::string_view("a\0b", 3)})}});
  std::vector<std::string> records;
  ASSERT_FALSE(parse_txt(m, records));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0], std::string("a\0b", 3));
}

TEST(ParseMx, ReadsPreferenceAndHostAndNullMx) {
  Bytes mx1{0, 10};
  const Bytes host = name_rdata("mx1.example.com");
  mx1.insert(mx1.end(), host.begin(), host.end());
  const Bytes null_mx{0, 0, 0};
  const Bytes m = message("example.com", ns_t_mx,
                          {{"example.com", ns_t_mx, mx1}, {"example.com", ns_t_mx, null_mx}});
  std::vector<MxRecord> records;
  ASSERT_FALSE(parse_mx(m, records));
  EXPECT_THAT(records, ::testing::ElementsAre(MxRecord{10, "mx1.example.com"}, MxRecord{0, ""}));
}

TEST(ParseAddresses, ReadsAAndAaaa) {
  const Bytes a = message("h.example", ns_t_a, {{"h.example", ns_t_a, {192, 0, 2, 1}}});
  std::vector<asio::ip::address> v4;
  ASSERT_FALSE(parse_addresses(a, false, v4));
  EXPECT_THAT(v4, ::testing::ElementsAre(asio::ip::make_address("192.0.2.1")));
  Bytes v6bytes(16, 0);
  v6bytes[0] = 0x20;
  v6bytes[1] = 0x01;
  v6bytes[2] = 0x0d;
  v6bytes[3] = 0xb8;
  v6bytes[15] = 1;
  const Bytes aaaa = message("h.example", ns_t_aaaa, {{"h.example", ns_t_aaaa, v6bytes}});
  std::vector<asio::ip::address> v6;
  ASSERT_FALSE(parse_addresses(aaaa, true, v6));
  EXPECT_THAT(v6, ::testing::ElementsAre(asio::ip::make_address("2001:db8::1")));
}

TEST(ParseCnames, FindsTheChainIncludingCompressedNames) {
  Bytes m = message("a.example", ns_t_txt,
                    {{"a.example", ns_t_cname, name_rdata("b.example")},
                     {"b.example", ns_t_txt, txt_rdata({"x"})}});
  std::vector<std::pair<std::string, std::string>> cnames;
  ASSERT_FALSE(parse_cnames(m, cnames));
  ASSERT_EQ(cnames.size(), 1u);
  EXPECT_EQ(cnames[0].first, "a.example");
  EXPECT_EQ(cnames[0].second, "b.example");

  // The same answer with the owner as a compression pointer to the question name (offset 12).
  Bytes compressed = message("a.example", ns_t_txt, {});
  compressed[7] = 1;  // ancount
  compressed.insert(compressed.end(), {0xC0, 12});
  put16(compressed, ns_t_cname);
  put16(compressed, ns_c_in);
  put16(compressed, 0);
  put16(compressed, 300);
  const Bytes target = name_rdata("c.example");
  put16(compressed, static_cast<unsigned>(target.size()));
  compressed.insert(compressed.end(), target.begin(), target.end());
  cnames.clear();
  ASSERT_FALSE(parse_cnames(compressed, cnames));
  ASSERT_EQ(cnames.size(), 1u);
  EXPECT_EQ(cnames[0].first, "a.example");
  EXPECT_EQ(cnames[0].second, "c.example");
}

TEST(ParseAnswer, TruncatedOrGarbageIsAnErrorNeverACrash) {
  const Bytes good = message("_mta-sts.example.com", ns_t_txt,
                             {{"_mta-sts.example.com", ns_t_txt, txt_rdata({"v=STSv1; id=1"})}});
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    const Bytes part(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    std::vector<std::string> txt;
    std::vector<MxRecord> mx;
    std::vector<asio::ip::address> addresses;
    std::vector<std::pair<std::string, std::string>> cnames;
    EXPECT_TRUE(parse_txt(part, txt)) << cut;
    (void)parse_mx(part, mx);
    (void)parse_addresses(part, false, addresses);
    (void)parse_cnames(part, cnames);
  }
  // A compression pointer that points at itself.
  Bytes loop = message("a.example", ns_t_txt, {});
  loop[7] = 1;
  const auto self = loop.size();
  loop.insert(loop.end(), {0xC0, static_cast<unsigned char>(self)});
  std::vector<std::pair<std::string, std::string>> cnames;
  EXPECT_TRUE(parse_cnames(loop, cnames));
}

// For the AD-bit mode of DANE: the records of one type after a CNAME, the header's RCODE and
// AD bit, and a truncated answer refused.
TEST(ParseRdata, TakesTheRecordsOfTheTypeAndTheHeaderFlags) {
  const Bytes tlsa1 = {3, 1, 1, 0xAA, 0xBB};
  const Bytes tlsa2 = {2, 0, 1, 0xCC};
  Bytes m = message("_25._tcp.mx.example", 52,
                    {{"_25._tcp.mx.example", ns_t_cname, name_rdata("_25._tcp.other.example")},
                     {"_25._tcp.other.example", 52, tlsa1},
                     {"_25._tcp.other.example", 52, tlsa2}});
  std::vector<Bytes> rdata;
  ASSERT_FALSE(parse_rdata(m, 52, rdata));
  EXPECT_EQ(rdata, (std::vector<Bytes>{tlsa1, tlsa2}));
  rdata.clear();
  ASSERT_FALSE(parse_rdata(m, 52, rdata, 1));
  EXPECT_EQ(rdata.size(), 1u) << "at most max_records";
  EXPECT_EQ(answer_rcode(m), 0);
  EXPECT_FALSE(answer_authenticated(m));
  m[3] |= 0x20;  // AD
  EXPECT_TRUE(answer_authenticated(m));
  m[3] = static_cast<unsigned char>((m[3] & 0xF0) | 3);  // NXDOMAIN
  EXPECT_EQ(answer_rcode(m), 3);
  EXPECT_EQ(answer_rcode(Bytes{1, 2, 3}), -1);
  EXPECT_FALSE(answer_authenticated(Bytes{1, 2, 3}));
  for (std::size_t cut = 12; cut < m.size(); ++cut) {
    const Bytes part(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(cut));
    rdata.clear();
    EXPECT_TRUE(parse_rdata(part, 52, rdata)) << cut;
  }
}

TEST(AnswersQuestion, ComparesNameTypeAndClass) {
  const Bytes m = message("_MTA-STS.Example.com", ns_t_txt, {});
  EXPECT_TRUE(answers_question(m, "_mta-sts.example.com", ns_t_txt));
  EXPECT_TRUE(answers_question(m, "_mta-sts.example.com.", ns_t_txt));
  EXPECT_FALSE(answers_question(m, "_mta-sts.example.org", ns_t_txt));
  EXPECT_FALSE(answers_question(m, "mta-sts.example.com", ns_t_txt));
  EXPECT_FALSE(answers_question(m, "_mta-sts.example.com", ns_t_mx));
  EXPECT_FALSE(
      answers_question(Bytes(m.begin(), m.begin() + 14), "_mta-sts.example.com", ns_t_txt));
}

TEST(Classify, KeepsNxdomainNodataAndFailuresApart) {
  EXPECT_EQ(classify({}), DnsFailure::none);
  EXPECT_EQ(classify(make_ares_error(ARES_ENOTFOUND)), DnsFailure::nxdomain);
  EXPECT_EQ(classify(make_ares_error(ARES_ENODATA)), DnsFailure::nodata);
  EXPECT_EQ(classify(make_ares_error(ARES_ESERVFAIL)), DnsFailure::servfail);
  EXPECT_EQ(classify(make_ares_error(ARES_EREFUSED)), DnsFailure::refused);
  EXPECT_EQ(classify(make_ares_error(ARES_ETIMEOUT)), DnsFailure::timeout);
  EXPECT_EQ(classify(make_ares_error(ARES_ECONNREFUSED)), DnsFailure::unreachable);
  EXPECT_EQ(classify(make_ares_error(ARES_EBADRESP)), DnsFailure::bad_response);
  EXPECT_EQ(classify(make_ares_error(ARES_EDESTRUCTION)), DnsFailure::cancelled);
  EXPECT_EQ(classify(asio::error::operation_aborted), DnsFailure::cancelled);
  EXPECT_EQ(classify(make_error_code(ResolverErrc::cname_loop)), DnsFailure::cname_loop);
  EXPECT_TRUE(is_definitive(DnsFailure::nxdomain));
  EXPECT_TRUE(is_definitive(DnsFailure::nodata));
  EXPECT_FALSE(is_definitive(DnsFailure::timeout));
  EXPECT_FALSE(is_definitive(DnsFailure::servfail));
  EXPECT_EQ(make_ares_error(ARES_ETIMEOUT).message(), std::string(ares_strerror(ARES_ETIMEOUT)));
}

TEST(FollowCnames, FollowsAChainInOneAnswer) {
  std::vector<std::string> chain;
  EXPECT_EQ(
      follow_cnames("_mta-sts.Example.org",
                    {{"b.example", "c.example"}, {"_mta-sts.example.org", "b.example"}}, chain, 8),
      "c.example");
  EXPECT_EQ(chain, (std::vector<std::string>{"b.example", "c.example"}));
}

TEST(FollowCnames, NoCnameForTheName) {
  std::vector<std::string> chain;
  EXPECT_EQ(follow_cnames("a.example", {{"other.example", "b.example"}}, chain, 8), "");
  EXPECT_TRUE(chain.empty());
}

TEST(FollowCnames, ALoopOrALongChainEnds) {
  std::vector<std::string> chain;
  follow_cnames("a.example", {{"a.example", "b.example"}, {"b.example", "a.example"}}, chain, 8);
  EXPECT_EQ(chain, (std::vector<std::string>{"b.example", "a.example"}));  // each record once
  std::vector<std::pair<std::string, std::string>> long_chain;
  for (int i = 0; i < 100; ++i) {
    long_chain.emplace_back("n" + std::to_string(i), "n" + std::to_string(i + 1));
  }
  chain.clear();
  follow_cnames("n0", long_chain, chain, 8);
  EXPECT_EQ(chain.size(), 9u);  // more than 8: the caller calls it a loop
}

}  // namespace
}  // namespace mtasts::dns
