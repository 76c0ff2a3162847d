// libFuzzer target: the agent's own files read back at start, as a corrupt disk or an old
// version may leave them: the legacy state.json and the JSON of a state database row (a
// report and a history). Whatever the bytes: no crash, and what is read is bounded.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "state/report_codec.hpp"
#include "state/state_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string problem;
  const auto histories = mtasts::state::parse_histories(input, problem);
  MTASTS_FUZZ_CHECK(histories.size() <= size);

  const auto json = nlohmann::json::parse(input, nullptr, false);
  if (json.is_discarded()) return 0;
  problem.clear();
  if (auto report = mtasts::state::decode_report(json, problem)) {
    // What was read encodes again and reads back the same.
    std::string again;
    auto round_trip = mtasts::state::decode_report(mtasts::state::encode_report(*report), again);
    MTASTS_FUZZ_CHECK(round_trip.has_value());
    MTASTS_FUZZ_CHECK(round_trip->findings == report->findings);
    MTASTS_FUZZ_CHECK(round_trip->domain == report->domain);
  } else {
    MTASTS_FUZZ_CHECK(!problem.empty());
  }
  problem.clear();
  if (auto history = mtasts::state::decode_history(json, problem)) {
    std::string again;
    MTASTS_FUZZ_CHECK(
        mtasts::state::decode_history(mtasts::state::encode_history(*history), again));
  }
  return 0;
}
