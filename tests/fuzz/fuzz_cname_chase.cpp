// libFuzzer target: CNAME chasing inside one DNS answer, as a pure function: whatever the
// records (loops, long chains, names in any case), it ends, and the chain is bounded and
// made of the answer's targets.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dns/answer.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mtasts::fuzz::Bytes bytes(data, size);
  const std::size_t max_chain = bytes.below(12);
  // A small alphabet of names, so loops and chains are likely.
  const auto name = [&bytes] {
    return bytes.pick({"a.example", "A.Example", "b.example", "c.example", "d.example", ""}, 12);
  };
  const std::string start = name();
  std::vector<std::pair<std::string, std::string>> cnames;
  const std::size_t count = bytes.below(40);
  for (std::size_t i = 0; i < count; ++i) cnames.emplace_back(name(), name());
  std::set<std::string> targets;
  for (const auto& [owner, target] : cnames) targets.insert(target);

  std::vector<std::string> chain;
  const std::string last = mtasts::dns::follow_cnames(start, cnames, chain, max_chain);
  MTASTS_FUZZ_CHECK(chain.size() <= max_chain + 1);
  MTASTS_FUZZ_CHECK(chain.size() <= cnames.size());  // each record at most once
  if (chain.empty()) MTASTS_FUZZ_CHECK(last.empty());
  if (!chain.empty()) MTASTS_FUZZ_CHECK(last == chain.back());
  for (const auto& name_in_chain : chain) MTASTS_FUZZ_CHECK(targets.contains(name_in_chain));
  return 0;
}
