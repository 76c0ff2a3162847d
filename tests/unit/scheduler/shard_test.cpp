// Sharding: every domain owned by exactly one shard, stable across runs and versions.
#include "scheduler/shard.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace mtasts::scheduler {
namespace {

std::vector<std::string> domains(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back("domain" + std::to_string(i) + ".example");
  return out;
}

TEST(Shard, SplitsAListWithNoOverlapAndNoGap) {
  const auto all = domains(10000);
  for (std::size_t total : {1u, 2u, 3u, 7u}) {
    std::vector<std::set<std::string>> shards(total);
    for (const auto& d : all) {
      const std::size_t s = shard_of(d, total);
      ASSERT_LT(s, total);
      shards[s].insert(d);
    }
    for (const auto& shard : shards) {
      // Balanced within 10 % of the mean (the hash is uniform; this list has 10,000).
      EXPECT_NEAR(static_cast<double>(shard.size()), 10000.0 / static_cast<double>(total),
                  1000.0 / static_cast<double>(total))
          << total;
    }
  }
}

TEST(Shard, StableAcrossRunsCaseAndTrailingDot) {
  // Golden values: changing them moves domains between replicas on upgrade.
  EXPECT_EQ(stable_hash("example.com"), 0x576846634e2714c6ULL);  // FNV-1a 64, computed apart
  EXPECT_EQ(stable_hash("EXAMPLE.com."), stable_hash("example.com"));
  EXPECT_EQ(shard_of("example.com", 5), shard_of("Example.COM.", 5));
}

TEST(Shard, GrowingMovesFewDomains) {
  const auto all = domains(10000);
  std::size_t moved = 0;
  for (const auto& d : all) moved += shard_of(d, 4) != shard_of(d, 5) ? 1u : 0u;
  // Jump consistent hash moves about 1/5 of the keys from 4 to 5 shards (modulo moves ~4/5).
  EXPECT_LT(moved, 2500u);
  EXPECT_GT(moved, 1500u);
}

TEST(OrdinalFromHostname, StatefulSetNames) {
  EXPECT_EQ(ordinal_from_hostname("mta-sts-agent-0"), 0u);
  EXPECT_EQ(ordinal_from_hostname("mta-sts-agent-12"), 12u);
  EXPECT_EQ(ordinal_from_hostname("mta-sts-agent-3.mta-sts-agent.monitoring.svc"), 3u);
  EXPECT_EQ(ordinal_from_hostname("mta-sts-agent"), std::nullopt);
  EXPECT_EQ(ordinal_from_hostname("agent-"), std::nullopt);
  EXPECT_EQ(ordinal_from_hostname("agent-x1"), std::nullopt);
  EXPECT_EQ(ordinal_from_hostname(""), std::nullopt);
}

}  // namespace
}  // namespace mtasts::scheduler
