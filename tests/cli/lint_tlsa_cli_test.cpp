// `mta-sts-agent lint tlsa` as a user runs it: TLSA records as in a zone file and a PEM file of
// the server's chain, judged offline; per record whether it is usable and whether it matches,
// the same JSON conventions as the other lint commands, and exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "dane/tlsa_record.hpp"
#include "run_process.hpp"
#include "scratch.hpp"
#include "test_certs.hpp"

namespace mtasts::support {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class LintTlsa : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.path() / "chain.pem") << to_pem(leaf_.cert.get()) << to_pem(ca_.cert.get());
  }
  ProcessRun lint(std::vector<std::string> args) const {
    args.insert(args.begin(), {"lint", "tlsa", "--cert", (dir_.path() / "chain.pem").string()});
    return run_process(MTASTS_AGENT_BINARY, args);
  }
  static std::string record(int usage, int selector, X509* cert) {
    return dane::to_presentation({static_cast<std::uint8_t>(usage),
                                  static_cast<std::uint8_t>(selector), 1,
                                  tlsa_sha256(cert, selector)});
  }
  static std::vector<std::string> codes(const nlohmann::json& j) {
    std::vector<std::string> out;
    for (const auto& f : j.at("findings")) out.push_back(f.at("code").get<std::string>());
    return out;
  }

  ScratchDir dir_{"mtasts-lint-tlsa"};
  KeyedCert ca_ = make_cert({.cn = "Mail CA", .ca = true});
  KeyedCert leaf_ = make_cert({.cn = "mx", .dns_names = {"mx.example.net"}}, &ca_);
  KeyedCert next_ = make_cert({.cn = "mx", .dns_names = {"mx.example.net"}}, &ca_);
};

// "3 1 1 current + 3 1 1 next": valid, no findings; each record says what it is.
TEST_F(LintTlsa, CurrentAndNextKeyIsTheRolloverSendersNeed) {
  const auto run = lint({"--json", "--host", "mx.example.net", record(3, 1, leaf_.cert.get()),
                         record(3, 1, next_.cert.get())});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_TRUE(j.at("valid"));
  EXPECT_TRUE(j.at("findings").empty()) << j.dump();
  ASSERT_EQ(j.at("records").size(), 2u);
  EXPECT_EQ(j.at("records")[0].at("usage"), "DANE-EE(3)");
  EXPECT_TRUE(j.at("records")[0].at("usable"));
  EXPECT_TRUE(j.at("records")[0].at("matches"));
  EXPECT_TRUE(j.at("records")[1].at("usable"));
  EXPECT_FALSE(j.at("records")[1].at("matches"));
  EXPECT_FALSE(j.at("records")[1].at("mismatch").get<std::string>().empty());
  EXPECT_EQ(j.at("certificate").at("chain_length"), 2);
}

// After a renewal with a new key and no new record: the outage DANE senders see.
TEST_F(LintTlsa, ARecordOfTheOldKeyOnlyIsAnError) {
  const auto run = lint({"--json", record(3, 1, next_.cert.get())});
  EXPECT_EQ(run.exit_code, 1);
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_FALSE(j.at("valid"));
  EXPECT_THAT(codes(j), ElementsAre("dane_tlsa_mismatch", "dane_tlsa_single"));
  // It says which record would match: the one of the key the server has now.
  EXPECT_EQ(j.at("server_key_record"), record(3, 1, leaf_.cert.get()));
  EXPECT_THAT(j.at("findings")[0].at("message").get<std::string>(),
              HasSubstr(record(3, 1, leaf_.cert.get())));
}

TEST_F(LintTlsa, ASingleMatchingRecordWarnsOfTheNextRenewal) {
  const auto run = lint({record(3, 1, leaf_.cert.get())});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("valid"));
  EXPECT_THAT(run.out, HasSubstr("DANE-EE(3), usable, matches"));
  EXPECT_THAT(run.out, HasSubstr("dane_tlsa_single"));
}

TEST_F(LintTlsa, PkixUsagesAreNotUsableForSmtp) {
  const auto run = lint({"--json", record(1, 1, leaf_.cert.get())});
  EXPECT_EQ(run.exit_code, 1);
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_FALSE(j.at("valid"));
  EXPECT_FALSE(j.at("records")[0].at("usable"));
  EXPECT_THAT(j.at("records")[0].at("unusable_reason").get<std::string>(),
              HasSubstr("PKIX-EE(1) is not used by SMTP senders"));
  EXPECT_THAT(codes(j), ElementsAre("dane_tlsa_unusable"));
}

// DANE-TA(2) checks the name when one is given (RFC 7672 §3.2.2).
TEST_F(LintTlsa, DaneTaChecksTheHostName) {
  const std::string ta = record(2, 1, ca_.cert.get());
  EXPECT_EQ(lint({"--host", "mx.example.net", ta, record(3, 1, leaf_.cert.get())}).exit_code, 0);
  const auto wrong = lint({"--json", "--host", "mx.other.example", ta});
  EXPECT_EQ(wrong.exit_code, 1);
  const auto j = nlohmann::json::parse(wrong.out);
  EXPECT_THAT(j.at("records")[0].at("mismatch").get<std::string>(), HasSubstr("hostname"));
}

TEST_F(LintTlsa, BadInputIsAUsageErrorThatSaysWhy) {
  const auto bad_record = lint({"3 1 1 xyz"});
  EXPECT_EQ(bad_record.exit_code, 2);
  EXPECT_THAT(bad_record.err, HasSubstr("cannot read the record \"3 1 1 xyz\""));
  const auto no_cert =
      run_process(MTASTS_AGENT_BINARY, {"lint", "tlsa", "--cert", "/nonexistent.pem", "3 1 1 00"});
  EXPECT_EQ(no_cert.exit_code, 2);
  EXPECT_THAT(no_cert.err, HasSubstr("/nonexistent.pem"));
  std::ofstream(dir_.path() / "empty.pem") << "not a certificate\n";
  const auto empty = run_process(MTASTS_AGENT_BINARY,
                                 {"lint", "tlsa", "--cert", (dir_.path() / "empty.pem").string(),
                                  record(3, 1, leaf_.cert.get())});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_THAT(empty.err, HasSubstr("has no PEM certificate"));
  EXPECT_EQ(lint({"--host", "bad host", record(3, 1, leaf_.cert.get())}).exit_code, 2);
  EXPECT_EQ(run_process(MTASTS_AGENT_BINARY, {"lint", "tlsa", "3 1 1 00"}).exit_code, 2);
}

}  // namespace
}  // namespace mtasts::support
