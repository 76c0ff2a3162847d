// Change detection between checks (RFC 8461 §8.1) with hand-made reports.
#include "probe/policy_change.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "probe/evaluate.hpp"
#include "sample_report.hpp"

namespace mtasts::probe {
namespace {

constexpr std::int64_t kT0 = 1'800'000'000;

DomainReport checked(const std::string& id, const std::string& policy = support::kEnforcePolicy) {
  DomainReport r = support::healthy_facts("example.com", id, policy);
  evaluate(r, {});
  return r;
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

/// A check that saw the record (id 1) but no policy, ending with `verdict`.
DomainReport without_policy(Verdict verdict) {
  DomainReport r = checked("1");
  r.policy.parsed.reset();
  r.policy.body_sha256.clear();
  r.verdict = verdict;
  return r;
}

const std::string kTestingPolicy =
    "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 1209600\r\n";

TEST(PolicyChange, FirstSightingIsRememberedWithoutFindings) {
  DomainReport r = checked("1");
  const auto h = track_policy_change(std::nullopt, r, kT0);
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
  const auto h1 = track_policy_change(std::nullopt, first, kT0);
  DomainReport second = checked("1");
  const auto h2 = track_policy_change(h1, second, kT0 + 900);
  EXPECT_EQ(h2, h1);
  EXPECT_TRUE(change_codes(second).empty());
}

TEST(PolicyChange, BodyChangedWithoutNewIdStaysActiveUntilTheIdChanges) {
  DomainReport first = checked("1");
  auto h = track_policy_change(std::nullopt, first, kT0);

  DomainReport changed = checked("1", kTestingPolicy);
  h = track_policy_change(h, changed, kT0 + 900);
  EXPECT_THAT(change_codes(changed), ::testing::ElementsAre("policy_changed_without_id_change"));
  EXPECT_EQ(changed.verdict, Verdict::warning);
  EXPECT_EQ(h.unannounced_change_since, kT0 + 900);
  EXPECT_EQ(h.last_change, kT0 + 900);
  EXPECT_EQ(h.mode, "testing");
  EXPECT_EQ(h.mode_since, kT0 + 900);

  // Later checks see the same body: still unannounced, since the same time.
  DomainReport later = checked("1", kTestingPolicy);
  h = track_policy_change(h, later, kT0 + 1800);
  EXPECT_THAT(change_codes(later), ::testing::ElementsAre("policy_changed_without_id_change"));
  EXPECT_EQ(h.unannounced_change_since, kT0 + 900);
  EXPECT_EQ(h.last_change, kT0 + 900);

  // The operator publishes a new id: fixed.
  DomainReport fixed = checked("2", kTestingPolicy);
  h = track_policy_change(h, fixed, kT0 + 2700);
  EXPECT_TRUE(change_codes(fixed).empty());
  EXPECT_EQ(h.unannounced_change_since, 0);
  EXPECT_EQ(h.last_change, kT0 + 2700);
}

TEST(PolicyChange, NewIdWithSamePolicyIsInfoForADay) {
  DomainReport first = checked("1");
  auto h = track_policy_change(std::nullopt, first, kT0);
  DomainReport bumped = checked("2");
  h = track_policy_change(h, bumped, kT0 + 900);
  EXPECT_THAT(change_codes(bumped), ::testing::ElementsAre("id_changed_policy_unchanged"));
  EXPECT_EQ(bumped.verdict, Verdict::ok);  // info only

  DomainReport same_day = checked("2");
  h = track_policy_change(h, same_day, kT0 + 3600);
  EXPECT_THAT(change_codes(same_day), ::testing::ElementsAre("id_changed_policy_unchanged"));

  DomainReport next_day = checked("2");
  h = track_policy_change(h, next_day, kT0 + 900 + kNeedlessIdChangeShownSeconds);
  EXPECT_TRUE(change_codes(next_day).empty());
  EXPECT_EQ(h.needless_id_change_at, 0);
}

TEST(PolicyChange, AnOutageIsNotAChange) {
  DomainReport first = checked("1");
  const auto h1 = track_policy_change(std::nullopt, first, kT0);
  DomainReport down = without_policy(Verdict::unknown);  // e.g. a DNS timeout
  const auto h2 = track_policy_change(h1, down, kT0 + 900);
  EXPECT_EQ(h2, h1);
  EXPECT_TRUE(change_codes(down).empty());
  // And when it comes back unchanged, nothing is raised either.
  DomainReport back = checked("1");
  EXPECT_EQ(track_policy_change(h2, back, kT0 + 1800), h1);
  EXPECT_TRUE(change_codes(back).empty());
}

// RFC 8461 §8.3: senders keep a policy for max_age after they last fetched it.
TEST(PolicyChange, AChangeStartsThePreviousPolicysExpiryHorizon) {
  DomainReport first = checked("1");  // max_age 1209600 (sample_report.hpp)
  auto h = track_policy_change(std::nullopt, first, kT0);
  EXPECT_EQ(h.previous_expiry, 0);
  EXPECT_EQ(h.max_age, 1209600);
  DomainReport updated = checked("2", kTestingPolicy);
  h = track_policy_change(h, updated, kT0 + 900);
  EXPECT_EQ(h.previous_expiry, kT0 + 900 + 1209600);
  // Later checks of the new policy keep the horizon of the one it replaced.
  DomainReport again = checked("2", kTestingPolicy);
  h = track_policy_change(h, again, kT0 + 1800);
  EXPECT_EQ(h.previous_expiry, kT0 + 900 + 1209600);
}

TEST(PolicyChange, ADisappearanceStartsTheHorizonAndAReturnEndsIt) {
  DomainReport first = checked("1");
  const auto h1 = track_policy_change(std::nullopt, first, kT0);
  DomainReport gone = without_policy(Verdict::fail);  // a complete look: e.g. a 404
  auto h = track_policy_change(h1, gone, kT0 + 900);
  EXPECT_EQ(h.gone_since, kT0 + 900);
  EXPECT_EQ(h.previous_expiry, kT0 + 900 + 1209600);
  EXPECT_EQ(h.id, "1");  // still what senders may have cached
  // Still gone: the horizon does not move.
  h = track_policy_change(h, gone, kT0 + 1800);
  EXPECT_EQ(h.previous_expiry, kT0 + 900 + 1209600);
  // Back unchanged: nothing changed for senders.
  DomainReport back = checked("1");
  h = track_policy_change(h, back, kT0 + 2700);
  EXPECT_EQ(h.previous_expiry, 0);
  EXPECT_EQ(h.gone_since, 0);
}

TEST(PolicyChange, BothChangedIsAProperUpdate) {
  DomainReport first = checked("1");
  auto h = track_policy_change(std::nullopt, first, kT0);
  DomainReport updated = checked("2", kTestingPolicy);
  h = track_policy_change(h, updated, kT0 + 900);
  EXPECT_TRUE(change_codes(updated).empty());
  EXPECT_EQ(h.id, "2");
  EXPECT_EQ(h.last_change, kT0 + 900);
}

}  // namespace
}  // namespace mtasts::probe
