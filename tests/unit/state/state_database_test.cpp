// The state database: reports and histories kept across restarts, one agent per directory,
// a corrupt database or an old state.json never fatal.
#include "state/state_database.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "probe/evaluate.hpp"
#include "sample_report.hpp"
#include "state/report_codec.hpp"

namespace mtasts::state {
namespace {

using support::edit;
using ::testing::HasSubstr;

class StateDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mtasts-db-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<StateDatabase> open(std::vector<std::string>& notices) {
    auto opened = StateDatabase::open(dir_, notices);
    if (!opened) {
      ADD_FAILURE() << opened.error();
      return nullptr;
    }
    return std::move(*opened);
  }

  std::string dir_;
};

probe::DomainReport evaluated(const std::string& domain) {
  auto r = support::healthy_facts(domain);
  r.mx[0].probes.push_back(support::starttls_ok("2001:db8::25"));
  auto& cert = support::edit(r.mx[0].probes.back().tls).certificate;
  cert.dns_names = {"mx.example.com"};
  cert.sha256[3] = 0xab;
  cert.problems = {net::CertProblem::name_mismatch};
  probe::evaluate(r, {});
  r.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'800'000'000'123));
  return r;
}

// A damaged row may hold any JSON number where an integer belongs: refused, never converted
// (a float beyond an int's range is undefined behaviour in a conversion; the fuzzer found it).
TEST(ReportCodec, NumbersOutOfRangeAreADamagedRow) {
  const auto encoded = encode_report(evaluated("a.example"));
  for (const auto& [pointer, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"/mx/0/preference", 5.5e51},
                                                           {"/mx/0/preference", 70000},
                                                           {"/mx/0/probes/0/last_code", 1e300},
                                                           {"/started_ns", "soon"},
                                                           {"/verdict", -1}}) {
    auto damaged = encoded;
    damaged[nlohmann::json::json_pointer(pointer)] = value;
    const auto decoded = decode_report(damaged);
    ASSERT_FALSE(decoded) << pointer;
    EXPECT_NE(decoded.error(), "") << pointer;
  }
}

TEST(ReportCodec, ARoundTripKeepsEveryStoredFact) {
  const auto report = evaluated("a.example");
  const auto encoded = encode_report(report);
  const auto decoded = decode_report(nlohmann::json::parse(encoded.dump()));
  ASSERT_TRUE(decoded) << decoded.error();
  // Whatever is stored comes back the same: encoding the decoded report gives the same text.
  EXPECT_EQ(encode_report(*decoded), encoded);
  EXPECT_EQ(decoded->started, report.started);
  EXPECT_EQ(decoded->verdict, report.verdict);
  EXPECT_EQ(decoded->findings, report.findings);
  EXPECT_EQ(decoded->mx[0].probes[1].tls->certificate.sha256[3], 0xab);
}

// DANE facts are kept too (after a restart the DANE metrics and pages must not vanish), and a
// report saved before DANE was checked reads without them.
TEST(ReportCodec, DaneFactsRoundTripAndOlderReportsReadWithout) {
  auto report = support::healthy_facts("a.example");
  support::with_dane(report);
  edit(report.mx[0].dane).why_bogus = "none";
  report.mx[0].probes[0].dane =
      dane::DaneOutcome{.matched = true, .depth = 0, .matched_record = report.mx[0].dane->tlsa[0]};
  probe::evaluate(report, {});
  const auto encoded = encode_report(report);
  const auto decoded = decode_report(nlohmann::json::parse(encoded.dump()));
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(encode_report(*decoded), encoded);
  ASSERT_TRUE(decoded->dnssec && decoded->mx[0].dane && decoded->mx[0].probes[0].dane);
  EXPECT_EQ(decoded->dnssec->mx_security, dane::Security::secure);
  EXPECT_EQ(decoded->mx[0].dane->tlsa, report.mx[0].dane->tlsa);
  EXPECT_EQ(decoded->mx[0].probes[0].dane->matched_record, report.mx[0].dane->tlsa[0]);

  const auto older = decode_report(encode_report(evaluated("b.example")));
  ASSERT_TRUE(older) << older.error();
  EXPECT_FALSE(older->dnssec);
  EXPECT_FALSE(older->mx[0].dane);

  auto damaged = encoded;
  damaged[nlohmann::json::json_pointer("/mx/0/dane/tlsa/0")] = "3 1 1 zz";
  EXPECT_FALSE(decode_report(damaged));
}

// An MX host that is a secure CNAME keeps where its TLSA records were (the target's) across
// a restart; rows of agents that stored only the TLSA name still read so. Hosts of unsigned
// zones read back as the one shared object their checks made.
TEST(ReportCodec, ATlsaRrsetAtTheCnameTargetRoundTrips) {
  auto report = support::healthy_facts("a.example");
  support::with_dane(report);
  auto& d = edit(report.mx[0].dane);
  d.canonical_host = "mx.provider.example";
  d.tlsa_at_canonical = true;
  probe::evaluate(report, {});
  auto encoded = encode_report(report);
  EXPECT_EQ(encoded[nlohmann::json::json_pointer("/mx/0/dane/tlsa_name")],
            "_25._tcp.mx.provider.example");
  auto decoded = decode_report(nlohmann::json::parse(encoded.dump()));
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(*decoded->mx[0].dane, *report.mx[0].dane);

  encoded["mx"][0]["dane"].erase("canonical_host");  // as an older agent wrote it
  decoded = decode_report(encoded);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_TRUE(decoded->mx[0].dane->tlsa_at_canonical);
  EXPECT_EQ(decoded->mx[0].dane->tlsa_name(decoded->mx[0].host), "_25._tcp.mx.provider.example");

  auto plain = support::healthy_facts("b.example");
  plain.dnssec = probe::share(probe::DnssecFacts{});
  for (auto& host : plain.mx) host.dane = probe::share(probe::DaneHostFacts{});
  probe::evaluate(plain, {});
  const auto read = decode_report(encode_report(plain));
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(read->dnssec, plain.dnssec);  // the same object, not an equal one
  EXPECT_EQ(read->mx[0].dane, plain.mx[0].dane);
  EXPECT_EQ(read->mx[0].dane->tlsa_name(read->mx[0].host), "_25._tcp." + read->mx[0].host);
}

// Certificate digests are stored as hex; rows written before kept 32 numbers, and still read.
TEST(ReportCodec, ACertificateDigestIsHexAndTheOldArrayStillReads) {
  auto encoded = encode_report(evaluated("a.example"));
  const nlohmann::json::json_pointer sha("/mx/0/probes/1/tls/sha256");
  EXPECT_EQ(encoded[sha].get<std::string>().substr(0, 8), "000000ab");
  encoded[sha] = nlohmann::json::array();
  for (int i = 0; i < 32; ++i) encoded[sha].push_back(i == 3 ? 0xab : 0);
  const auto decoded = decode_report(encoded);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->mx[0].probes[1].tls->certificate.sha256[3], 0xab);
  for (const auto& damaged : {nlohmann::json("00ab"), nlohmann::json(std::string(64, 'g'))}) {
    encoded[sha] = damaged;
    EXPECT_FALSE(decode_report(encoded)) << damaged;
  }
}

TEST(ReportCodec, AnotherFormatOrADamagedRowIsRefusedNotMisread) {
  auto encoded = encode_report(evaluated("a.example"));
  encoded["format"] = kReportFormat + 1;
  const auto other_format = decode_report(encoded);
  ASSERT_FALSE(other_format);
  EXPECT_THAT(other_format.error(), HasSubstr("format"));
  encoded["format"] = kReportFormat;
  encoded["verdict"] = 99;  // beyond the enum
  EXPECT_FALSE(decode_report(encoded));
  encoded["verdict"] = "ok";  // another type
  EXPECT_FALSE(decode_report(encoded));
  encoded = encode_report(evaluated("a.example"));
  encoded["sts_status"] = "valid-ish";  // a status this agent does not know
  EXPECT_FALSE(decode_report(encoded));
  EXPECT_FALSE(decode_report(nlohmann::json("garbage")));
}

TEST_F(StateDatabaseTest, KeepsReportsAndHistoriesAcrossAReopen) {
  std::vector<std::string> notices;
  probe::PolicyHistory history{.id = "1", .body_sha256 = "ab", .first_seen = 5, .last_change = 6};
  {
    auto db = open(notices);
    ASSERT_TRUE(db);
    const auto a = evaluated("a.example");
    const auto b = evaluated("b.example");
    EXPECT_TRUE(db->save({{&a, &history}, {&b, nullptr}}));
  }
  auto db = open(notices);
  ASSERT_TRUE(db);
  auto stored = db->load(notices);
  EXPECT_TRUE(notices.empty()) << notices.front();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored.at("a.example").history, history);
  ASSERT_TRUE(stored.at("a.example").report);
  EXPECT_EQ(stored.at("a.example").report->started, evaluated("a.example").started);
  EXPECT_FALSE(stored.at("b.example").history);

  EXPECT_TRUE(db->forget_all_but({"b.example"}));
  EXPECT_EQ(db->load(notices).size(), 1u);
}

// What a hostile domain publishes is bytes, not UTF-8 (a TXT record, a policy's mx lines, a
// certificate's names): saved with each invalid byte as U+FFFD, never an exception that would
// stop the saving of every domain.
TEST_F(StateDatabaseTest, BytesThatAreNotUtf8AreSavedReplaced) {
  std::vector<std::string> notices;
  auto r = evaluated("hostile.example");
  r.sts.records = {"v=STSv1; id=\xff\xfe;"};
  r.policy.parsed->mx = {"mx.\xc3(.example"};
  {
    auto db = open(notices);
    ASSERT_TRUE(db);
    const probe::PolicyHistory history{.id = "\xff"};
    ASSERT_TRUE(db->save({{&r, &history}}));
  }
  auto db = open(notices);
  ASSERT_TRUE(db);
  const auto stored = db->load(notices);
  EXPECT_TRUE(notices.empty()) << notices.front();
  ASSERT_TRUE(stored.at("hostile.example").report);
  const auto& back = *stored.at("hostile.example").report;
  EXPECT_EQ(back.sts.records, std::vector<std::string>{"v=STSv1; id=\uFFFD\uFFFD;"});
  EXPECT_EQ(back.policy.parsed->mx, std::vector<std::string>{"mx.\uFFFD(.example"});
  EXPECT_EQ(stored.at("hostile.example").history->id, "\uFFFD");
}

TEST_F(StateDatabaseTest, KeepsTheDailyVerdicts) {
  std::vector<std::string> notices;
  DailyVerdicts days;
  days.add(1'795'910'400, probe::Verdict::fail);
  {
    auto db = open(notices);
    const auto a = evaluated("a.example");
    EXPECT_TRUE(db->save({{&a, nullptr, &days}}));
  }
  auto db = open(notices);
  const auto stored = db->load(notices);
  ASSERT_TRUE(stored.at("a.example").days);
  EXPECT_EQ(*stored.at("a.example").days, days);
}

TEST_F(StateDatabaseTest, ADatabaseOfTheFirstSchemaGetsTheDaysColumn) {
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ + "/state.db").c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "CREATE TABLE domains (domain TEXT PRIMARY KEY, history TEXT, report "
                           "TEXT); INSERT INTO domains VALUES ('a.example', NULL, NULL); "
                           "PRAGMA user_version=1;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  std::vector<std::string> notices;
  auto db = open(notices);
  ASSERT_TRUE(db);
  EXPECT_TRUE(notices.empty()) << notices.front();  // updated, not moved aside
  const auto stored = db->load(notices);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_FALSE(stored.at("a.example").days);
  const auto a = evaluated("a.example");
  DailyVerdicts days;
  days.add(1'795'910'400, probe::Verdict::ok);
  EXPECT_TRUE(db->save({{&a, nullptr, &days}}));
}

TEST_F(StateDatabaseTest, ASecondAgentOnTheSameDirectoryIsRefused) {
  std::vector<std::string> notices;
  auto first = open(notices);
  ASSERT_TRUE(first);
  auto second = StateDatabase::open(dir_, notices);
  ASSERT_FALSE(second);
  EXPECT_THAT(second.error(), HasSubstr("another mta-sts-agent"));
  EXPECT_THAT(second.error(), HasSubstr(std::to_string(getpid())));
  first.reset();  // the lock goes with the agent
  EXPECT_TRUE(open(notices));
}

TEST_F(StateDatabaseTest, ACorruptDatabaseIsMovedAsideAndAFreshOneStarted) {
  std::ofstream(dir_ + "/state.db") << "this is not an SQLite database, but long enough to look "
                                       "like a header of one: 0123456789abcdef0123456789abcdef";
  std::vector<std::string> notices;
  auto db = open(notices);
  ASSERT_TRUE(db);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_THAT(notices[0], HasSubstr("moved aside"));
  bool kept = false;
  for (const auto& f : std::filesystem::directory_iterator(dir_)) {
    kept = kept || f.path().filename().string().starts_with("state.db.corrupt-");
  }
  EXPECT_TRUE(kept);
  const auto a = evaluated("a.example");
  EXPECT_TRUE(db->save({{&a, nullptr}}));
}

TEST_F(StateDatabaseTest, AnOldStateFileIsImportedOnce) {
  std::ofstream(dir_ + "/state.json") << R"({"version": 1, "domains": {"a.example": {"id": "7",
      "body_sha256": "ab", "first_seen": 1, "last_change": 2, "mode": "enforce"}}})";
  std::vector<std::string> notices;
  {
    auto db = open(notices);
    ASSERT_TRUE(db);
    const auto stored = db->load(notices);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored.at("a.example").history->id, "7");
    EXPECT_FALSE(stored.at("a.example").report);
  }
  EXPECT_THAT(notices.back(), HasSubstr("imported 1 domains"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/state.json"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/state.json.imported"));
}

TEST_F(StateDatabaseTest, UnreadableRowsAreSkippedWithANotice) {
  std::vector<std::string> notices;
  auto db = open(notices);
  ASSERT_TRUE(db);
  auto report = evaluated("a.example");
  report.domain = "a.example";
  ASSERT_TRUE(db->save({{&report, nullptr}}));
  db.reset();
  // Damage the row the way a future version's format would look to this one.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/state.db").c_str(), &raw), SQLITE_OK);
  sqlite3_exec(raw, "UPDATE domains SET report = '{\"format\": 99}';", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  db = open(notices);
  const auto stored = db->load(notices);
  EXPECT_FALSE(stored.at("a.example").report);
  EXPECT_THAT(notices.back(), HasSubstr("could not be read"));
}

}  // namespace
}  // namespace mtasts::state
