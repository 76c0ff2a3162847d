// The agent-wide port-25 egress rule, with hand-made evidence and times (no network).
#include "probe/port25_egress.hpp"

#include <gtest/gtest.h>

namespace mtasts::probe {
namespace {

using namespace std::chrono_literals;
const auto kT0 = Port25EgressMonitor::Clock::time_point(std::chrono::seconds(1'800'000'000));

TEST(Port25Egress, UnprovenBeforeAnyEvidence) {
  Port25EgressMonitor m(15min);
  EXPECT_EQ(m.state(kT0), Port25Egress::unproven);
  EXPECT_EQ(m.state_after_run(), Port25Egress::unproven);
}

TEST(Port25Egress, OneConnectionThatCameBackProvesIt) {
  Port25EgressMonitor m(15min);
  m.record_attempt(false, kT0);
  m.record_attempt(true, kT0 + 1s);  // refused or completed, by any domain
  m.record_attempt(false, kT0 + 2s);
  EXPECT_EQ(m.state(kT0 + 3s), Port25Egress::working);
  EXPECT_EQ(m.state_after_run(), Port25Egress::working);
}

TEST(Port25Egress, ReachedSinceTellsWhetherAnythingCameBackDuringACheck) {
  Port25EgressMonitor m(15min);
  EXPECT_FALSE(m.reached_since(kT0));
  m.record_attempt(true, kT0 + 1s);
  EXPECT_TRUE(m.reached_since(kT0));
  EXPECT_FALSE(m.reached_since(kT0 + 2s));
  EXPECT_EQ(m.state(kT0 + 3s), Port25Egress::working);  // but a check from kT0 + 2s saw nothing
}

TEST(Port25Egress, BlockedOnlyAfterAWholeRoundOfFailures) {
  Port25EgressMonitor m(15min);
  m.record_attempt(false, kT0);
  EXPECT_EQ(m.state(kT0 + 14min), Port25Egress::unproven);
  m.record_attempt(false, kT0 + 14min);
  EXPECT_EQ(m.state(kT0 + 15min), Port25Egress::blocked);
  EXPECT_EQ(m.state_after_run(), Port25Egress::blocked);
  // It comes back: working at once.
  m.record_attempt(true, kT0 + 16min);
  EXPECT_EQ(m.state(kT0 + 16min), Port25Egress::working);
}

TEST(Port25Egress, WorkingEarlierThenFailingForARoundIsBlocked) {
  Port25EgressMonitor m(15min);
  m.record_attempt(true, kT0);
  m.record_attempt(false, kT0 + 1min);
  EXPECT_EQ(m.state(kT0 + 10min), Port25Egress::working);
  EXPECT_EQ(m.state(kT0 + 16min), Port25Egress::blocked);
}

TEST(Port25Egress, CanariesDecideWhereTheFleetCannot) {
  Port25EgressMonitor m(15min);
  m.record_canaries(false, kT0);
  EXPECT_EQ(m.state(kT0), Port25Egress::blocked);  // every canary failed, nothing else came back
  m.record_canaries(true, kT0 + 1min);
  EXPECT_EQ(m.state(kT0 + 1min), Port25Egress::working);
}

TEST(Port25Egress, FailedCanariesDoNotOutvoteTheFleet) {
  Port25EgressMonitor m(15min);
  m.record_attempt(true, kT0);
  m.record_canaries(false, kT0 + 1min);  // the canary itself may be down
  EXPECT_EQ(m.state(kT0 + 2min), Port25Egress::working);
  EXPECT_EQ(m.state(kT0 + 20min), Port25Egress::blocked);
  m.clear_canaries();                                      // removed from the configuration
  EXPECT_EQ(m.state(kT0 + 20min), Port25Egress::working);  // nothing has failed since
}

}  // namespace
}  // namespace mtasts::probe
