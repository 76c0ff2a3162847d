// DNSSEC-validated lookups with libunbound against the lab's NSD, which serves dane.test signed
// (tests/lab/lab.sh, sign_dane_zone) beside the unsigned rest of test.: secure answers and
// secure denials, a bogus record with libunbound's reason, insecure answers outside the trust
// anchor, and cancellation and destruction with queries in flight.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <filesystem>

#include "common/with_deadline.hpp"
#include "dane/dnssec_resolver.hpp"
#include "dane/tlsa_record.hpp"
#include "lab_dir.hpp"
#include "run_awaitable.hpp"

namespace mtasts::dane {
namespace {

using namespace std::chrono_literals;
using support::run_awaitable;
using ::testing::HasSubstr;

constexpr int kTypeA = 1;
constexpr int kTypeMx = 15;
constexpr int kTypeTxt = 16;
constexpr int kTypeTlsa = 52;

DnssecOptions lab_options() {
  DnssecOptions o;
  o.trust_anchor_file = support::lab_dir() + "/dnssec/trust-anchor.ds";
  o.servers = {"127.0.0.53"};
  return o;
}

class DnssecLab : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = DnssecResolver::create(io_.get_executor(), lab_options());
    ASSERT_TRUE(created) << created.error();
    resolver_ = std::move(*created);
  }
  ValidatedAnswer query(const std::string& name, int type) {
    return run_awaitable<ValidatedAnswer>(io_, [&] { return resolver_->query(name, type); });
  }

  asio::io_context io_;
  std::unique_ptr<DnssecResolver> resolver_;
};

TEST_F(DnssecLab, SignedTlsaRecordsAreSecure) {
  const auto a = query("_25._tcp.mx.good.dane.test", kTypeTlsa);
  ASSERT_FALSE(a.error) << a.error_text;
  EXPECT_EQ(a.security, Security::secure);
  ASSERT_EQ(a.rdata.size(), 2u);
  for (const auto& rdata : a.rdata) {
    const auto record = parse_tlsa_rdata(rdata);
    ASSERT_TRUE(record) << record.error();
    EXPECT_EQ(record->usage, 3);
    EXPECT_FALSE(unusable_reason(*record));
  }
  const auto mx = query("good.dane.test", kTypeMx);
  EXPECT_EQ(mx.security, Security::secure);
  EXPECT_EQ(mx.rdata.size(), 1u);
}

TEST_F(DnssecLab, ASignedDenialIsSecure) {
  const auto a = query("nothere.dane.test", kTypeA);
  ASSERT_FALSE(a.error) << a.error_text;
  EXPECT_TRUE(a.nxdomain);
  EXPECT_EQ(a.security, Security::secure);
  EXPECT_TRUE(a.rdata.empty());
}

TEST_F(DnssecLab, ARecordChangedAfterSigningIsBogus) {
  const auto a = query("_25._tcp.mx.bogus.dane.test", kTypeTlsa);
  ASSERT_FALSE(a.error) << a.error_text;
  EXPECT_EQ(a.security, Security::bogus);
  EXPECT_FALSE(a.why_bogus.empty());
  EXPECT_THAT(a.why_bogus, HasSubstr("signature"));
}

TEST_F(DnssecLab, AnswersOutsideTheTrustAnchorAreInsecure) {
  const auto a = query("_mta-sts.good.test", kTypeTxt);
  ASSERT_FALSE(a.error) << a.error_text;
  EXPECT_EQ(a.security, Security::insecure);
  EXPECT_EQ(a.rdata.size(), 1u);
}

TEST_F(DnssecLab, AnAliasIsFollowedAndNamed) {
  const auto a = query("mx.cname.dane.test", kTypeA);
  ASSERT_FALSE(a.error) << a.error_text;
  EXPECT_EQ(a.security, Security::secure);
  EXPECT_EQ(a.canonical_name, "mx.good.dane.test");
  ASSERT_EQ(a.rdata.size(), 1u);
  EXPECT_EQ(a.rdata[0], (std::vector<unsigned char>{127, 0, 0, 25}));
  EXPECT_TRUE(query("mx.good.dane.test", kTypeA).canonical_name.empty());
}

// NSD truncates the answer over UDP; libunbound asks again over TCP, through the events it
// adds to the agent's loop for writing and then reading.
TEST_F(DnssecLab, AnAnswerTooLargeForUdpComesOverTcp) {
  const auto a = query("large.dane.test", kTypeTxt);
  ASSERT_FALSE(a.error) << a.error_text;
  EXPECT_EQ(a.security, Security::secure);
  ASSERT_EQ(a.rdata.size(), 1u);
  EXPECT_EQ(a.rdata[0].size(), 6u * 256u);
}

std::size_t thread_count() {
  return static_cast<std::size_t>(
      std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                    std::filesystem::directory_iterator()));
}

// libunbound resolves on the caller's event loop: queries in flight together all complete
// there, and no thread of libunbound's appears.
TEST_F(DnssecLab, ConcurrentQueriesResolveOnTheCallersLoop) {
  const std::size_t threads = thread_count();
  const std::vector<std::string> hosts = {"good", "stale", "wrong", "nostarttls", "mx.cname"};
  std::vector<ValidatedAnswer> answers(hosts.size() * 2);
  const auto all = run_awaitable<bool>(io_, [&]() -> asio::awaitable<bool> {
    std::size_t left = answers.size();
    asio::steady_timer all_done(io_, asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < answers.size(); ++i) {
      const std::string name =
          i % 2 == 0 ? hosts[i / 2] + ".dane.test" : "_25._tcp.mx." + hosts[i / 2] + ".dane.test";
      asio::co_spawn(
          io_,
          [&, i, name]() -> asio::awaitable<void> {
            answers[i] = co_await resolver_->query(name, i % 2 == 0 ? kTypeMx : kTypeTlsa);
            if (--left == 0) all_done.cancel();
          },
          asio::detached);
    }
    co_await all_done.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    co_return left == 0;
  });
  EXPECT_TRUE(all);
  EXPECT_EQ(thread_count(), threads);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_FALSE(answers[i].error) << answers[i].error_text;
    EXPECT_EQ(answers[i].security, Security::secure);
    // mx.cname.dane.test is an alias: its MX and TLSA names exist only at the target's.
    EXPECT_EQ(answers[i].rdata.empty(), hosts[i / 2] == "mx.cname");
  }
}

TEST_F(DnssecLab, ADeadlineCancelsTheQuery) {
  DnssecOptions o = lab_options();
  o.servers = {"127.0.0.81"};  // nothing answers there
  auto silent = DnssecResolver::create(io_.get_executor(), o);
  ASSERT_TRUE(silent) << silent.error();
  const auto a = run_awaitable<ValidatedAnswer>(io_, [&]() -> asio::awaitable<ValidatedAnswer> {
    auto answer = co_await with_deadline((*silent)->query("good.dane.test", kTypeMx),
                                         std::chrono::steady_clock::now() + 300ms);
    ValidatedAnswer timed_out;
    timed_out.error = make_error_code(std::errc::timed_out);
    co_return answer ? std::move(*answer) : timed_out;
  });
  EXPECT_TRUE(a.error);
  // The resolver still works afterwards.
  EXPECT_EQ(query("good.dane.test", kTypeMx).security, Security::secure);
}

TEST_F(DnssecLab, DestroyingTheResolverCompletesQueriesInFlight) {
  DnssecOptions o = lab_options();
  o.servers = {"127.0.0.81"};
  auto silent = DnssecResolver::create(io_.get_executor(), o);
  ASSERT_TRUE(silent) << silent.error();
  std::unique_ptr<DnssecResolver> owned = std::move(*silent);
  const auto a = run_awaitable<ValidatedAnswer>(io_, [&]() -> asio::awaitable<ValidatedAnswer> {
    asio::steady_timer later(io_, 100ms);
    later.async_wait([&](std::error_code) { owned.reset(); });
    co_return co_await owned->query("good.dane.test", kTypeMx);
  });
  EXPECT_EQ(a.error, asio::error::operation_aborted);
}

// Validation works when the anchor zone's own keys validate; the root's anchor against a
// server that cannot prove the root's keys (as one that strips DNSSEC) does not.
TEST_F(DnssecLab, TheAnchorsOwnKeysMustValidate) {
  EXPECT_EQ(resolver_->anchor_zone(), "dane.test.");
  EXPECT_EQ(run_awaitable<std::string>(io_, [&] { return resolver_->anchor_problem(); }), "");
  if (!std::filesystem::exists("/usr/share/dns/root.key")) GTEST_SKIP() << "needs dns-root-data";
  DnssecOptions o = lab_options();
  o.trust_anchor_file = "/usr/share/dns/root.key";
  auto rooted = DnssecResolver::create(io_.get_executor(), o);
  ASSERT_TRUE(rooted) << rooted.error();
  const auto problem = run_awaitable<std::string>(io_, [&] { return (*rooted)->anchor_problem(); });
  EXPECT_THAT(problem, HasSubstr("trust anchor's zone ."));
}

TEST(DnssecResolverCreate, AMissingTrustAnchorSaysSo) {
  asio::io_context io;
  DnssecOptions o;
  o.trust_anchor_file = "/nonexistent/root.key";
  const auto created = DnssecResolver::create(io.get_executor(), o);
  ASSERT_FALSE(created);
  EXPECT_THAT(created.error(), HasSubstr("/nonexistent/root.key"));
  o = lab_options();
  o.servers = {"not an address"};
  EXPECT_FALSE(DnssecResolver::create(io.get_executor(), o));
}

}  // namespace
}  // namespace mtasts::dane
