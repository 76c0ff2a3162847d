// Change detection between checks (RFC 8461 §8.1), part of evaluate(), with hand-made facts
// and the history earlier checks left.
#include "probe/policy_change.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "probe/evaluate.hpp"
#include "sample_report.hpp"

namespace mtasts::probe {
namespace {

constexpr std::int64_t kT0 = 1'800'000'000;

DomainReport checked(const std::string& id, const std::string& policy = support::kEnforcePolicy) {
  return support::healthy_facts("example.com", id, policy);
}

/// Judges `r` at `now` as the daemon does, with what earlier checks left.
PolicyHistory judge(const std::optional<PolicyHistory>& previous, DomainReport& r,
                    std::int64_t now) {
  EvaluationOptions options;
  options.now = std::chrono::system_clock::from_time_t(now);
  options.previous = previous;
  return evaluate(r, options);
}

std::vector<std::string> change_codes(const DomainReport& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) {
    if (f.code == FindingCode::policy_changed_without_id_change ||
        f.code == FindingCode::id_changed_policy_unchanged) {
      out.emplace_back(to_string(f.code));
    }
  }
  return out;
}

/// A check that saw the record (id 1) but no policy: its host timed out in DNS (the look
/// is incomplete, verdict unknown), or answered 404 (a complete look, verdict fail).
DomainReport policy_host_timed_out() {
  DomainReport r = checked("1");
  r.policy.lookup.v4_failure = r.policy.lookup.v6_failure = dns::DnsFailure::timeout;
  r.policy.lookup.addresses.clear();
  r.policy.fetches.clear();
  r.policy.body_sha256.clear();
  return r;
}
DomainReport policy_not_found() {
  DomainReport r = checked("1");
  r.policy.fetches = {support::served("192.0.2.1", 404, ""),
                      support::served("2001:db8::1", 404, "")};
  r.policy.body_sha256.clear();
  return r;
}

const std::string kTestingPolicy =
    "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 1209600\r\n";

TEST(PolicyChange, FirstSightingIsRememberedWithoutFindings) {
  DomainReport r = checked("1");
  const auto h = judge(std::nullopt, r, kT0);
  EXPECT_EQ(h.id, "1");
  EXPECT_EQ(h.first_seen, kT0);
  EXPECT_EQ(h.last_change, kT0);
  EXPECT_EQ(h.mode, "enforce");
  EXPECT_EQ(h.mode_since, kT0);
  EXPECT_TRUE(change_codes(r).empty());
  EXPECT_EQ(r.verdict, Verdict::ok);
}

TEST(PolicyChange, NothingChangedKeepsTheHistory) {
  DomainReport first = checked("1");
  const auto h1 = judge(std::nullopt, first, kT0);
  DomainReport second = checked("1");
  const auto h2 = judge(h1, second, kT0 + 900);
  EXPECT_EQ(h2, h1);
  EXPECT_TRUE(change_codes(second).empty());
}

TEST(PolicyChange, BodyChangedWithoutNewIdStaysActiveUntilTheIdChanges) {
  DomainReport first = checked("1");
  auto h = judge(std::nullopt, first, kT0);

  DomainReport changed = checked("1", kTestingPolicy);
  h = judge(h, changed, kT0 + 900);
  EXPECT_THAT(change_codes(changed), ::testing::ElementsAre("policy_changed_without_id_change"));
  EXPECT_EQ(changed.verdict, Verdict::warning);
  EXPECT_EQ(h.unannounced_change_since, kT0 + 900);
  EXPECT_EQ(h.last_change, kT0 + 900);
  EXPECT_EQ(h.mode, "testing");
  EXPECT_EQ(h.mode_since, kT0 + 900);

  // Later checks see the same body: still unannounced, since the same time.
  DomainReport later = checked("1", kTestingPolicy);
  h = judge(h, later, kT0 + 1800);
  EXPECT_THAT(change_codes(later), ::testing::ElementsAre("policy_changed_without_id_change"));
  EXPECT_EQ(h.unannounced_change_since, kT0 + 900);
  EXPECT_EQ(h.last_change, kT0 + 900);

  // The operator publishes a new id: fixed.
  DomainReport fixed = checked("2", kTestingPolicy);
  h = judge(h, fixed, kT0 + 2700);
  EXPECT_TRUE(change_codes(fixed).empty());
  EXPECT_EQ(h.unannounced_change_since, 0);
  EXPECT_EQ(h.last_change, kT0 + 2700);
}

TEST(PolicyChange, NewIdWithSamePolicyIsInfoForADay) {
  DomainReport first = checked("1");
  auto h = judge(std::nullopt, first, kT0);
  DomainReport bumped = checked("2");
  h = judge(h, bumped, kT0 + 900);
  EXPECT_THAT(change_codes(bumped), ::testing::ElementsAre("id_changed_policy_unchanged"));
  EXPECT_EQ(bumped.verdict, Verdict::ok);  // info only

  DomainReport same_day = checked("2");
  h = judge(h, same_day, kT0 + 3600);
  EXPECT_THAT(change_codes(same_day), ::testing::ElementsAre("id_changed_policy_unchanged"));

  DomainReport next_day = checked("2");
  h = judge(h, next_day, kT0 + 900 + kNeedlessIdChangeShownSeconds);
  EXPECT_TRUE(change_codes(next_day).empty());
  EXPECT_EQ(h.needless_id_change_at, 0);
}

TEST(PolicyChange, AnOutageIsNotAChange) {
  DomainReport first = checked("1");
  const auto h1 = judge(std::nullopt, first, kT0);
  DomainReport down = policy_host_timed_out();
  const auto h2 = judge(h1, down, kT0 + 900);
  EXPECT_EQ(down.verdict, Verdict::unknown);
  EXPECT_EQ(h2, h1);
  EXPECT_TRUE(change_codes(down).empty());
  // And when it comes back unchanged, nothing is raised either.
  DomainReport back = checked("1");
  EXPECT_EQ(judge(h2, back, kT0 + 1800), h1);
  EXPECT_TRUE(change_codes(back).empty());
}

// RFC 8461 §8.3: senders keep a policy for max_age after they last fetched it.
TEST(PolicyChange, AChangeStartsThePreviousPolicysExpiryHorizon) {
  DomainReport first = checked("1");  // max_age 1209600 (sample_report.hpp)
  auto h = judge(std::nullopt, first, kT0);
  EXPECT_EQ(h.previous_expiry, 0);
  EXPECT_EQ(h.max_age, 1209600);
  DomainReport updated = checked("2", kTestingPolicy);
  h = judge(h, updated, kT0 + 900);
  EXPECT_EQ(h.previous_expiry, kT0 + 900 + 1209600);
  // Later checks of the new policy keep the horizon of the one it replaced.
  DomainReport again = checked("2", kTestingPolicy);
  h = judge(h, again, kT0 + 1800);
  EXPECT_EQ(h.previous_expiry, kT0 + 900 + 1209600);
}

TEST(PolicyChange, ADisappearanceStartsTheHorizonAndAReturnEndsIt) {
  DomainReport first = checked("1");
  const auto h1 = judge(std::nullopt, first, kT0);
  DomainReport gone = policy_not_found();
  auto h = judge(h1, gone, kT0 + 900);
  EXPECT_EQ(gone.verdict, Verdict::fail);
  EXPECT_EQ(h.gone_since, kT0 + 900);
  EXPECT_EQ(h.previous_expiry, kT0 + 900 + 1209600);
  EXPECT_EQ(h.id, "1");  // still what senders may have cached
  // Still gone: the horizon does not move.
  h = judge(h, gone, kT0 + 1800);
  EXPECT_EQ(h.previous_expiry, kT0 + 900 + 1209600);
  // Back unchanged: nothing changed for senders.
  DomainReport back = checked("1");
  h = judge(h, back, kT0 + 2700);
  EXPECT_EQ(h.previous_expiry, 0);
  EXPECT_EQ(h.gone_since, 0);
}

TEST(PolicyChange, BothChangedIsAProperUpdate) {
  DomainReport first = checked("1");
  auto h = judge(std::nullopt, first, kT0);
  DomainReport updated = checked("2", kTestingPolicy);
  h = judge(h, updated, kT0 + 900);
  EXPECT_TRUE(change_codes(updated).empty());
  EXPECT_EQ(h.id, "2");
  EXPECT_EQ(h.last_change, kT0 + 900);
}

}  // namespace
}  // namespace mtasts::probe
