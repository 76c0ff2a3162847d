// libFuzzer target: the policy parser (RFC 8461 §3.2) and the JSON it becomes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "mtasts/mx_pattern.hpp"
#include "mtasts/policy.hpp"
#include "report/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const mtasts::Policy p = mtasts::parse_policy(body, "mta-sts.fuzz.example");
  if (p.valid) {
    MTASTS_FUZZ_CHECK(p.version && p.mode && p.max_age && *p.max_age <= mtasts::kMaxMaxAge);
    MTASTS_FUZZ_CHECK(!p.mx.empty() || *p.mode == mtasts::Mode::none);
    MTASTS_FUZZ_CHECK(body.size() <= mtasts::kMaxPolicyBytes);
  }
  for (const auto& pattern : p.mx) MTASTS_FUZZ_CHECK(mtasts::validate_mx_pattern(pattern));
  mtasts::fuzz::check_messages_printable(p.findings);
  // Report JSON must serialise whatever bytes the body held.
  (void)mtasts::report::dump(mtasts::report::to_json(p.findings), -1);
  return 0;
}
