// libFuzzer target: the agent's own files read back at start, as a corrupt disk or an old
// version may leave them: the legacy state.json and the JSON of a state database row (a
// report and a history), and any bytes written as a JSON string. Whatever the bytes: no
// crash, and what is read is bounded.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/utf8.hpp"
#include "fuzz_support.hpp"
#include "state/json_writer.hpp"
#include "state/report_codec.hpp"
#include "state/state_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> notices;
  const auto histories = mtasts::state::parse_histories(input, notices);
  MTASTS_FUZZ_CHECK(!histories || histories->size() <= size);
  MTASTS_FUZZ_CHECK(histories || !histories.error().empty());

  // Any bytes written as a JSON string read back as a string: the same one when they were
  // UTF-8 (the state database stores what domains publish, which need not be).
  std::string quoted;
  mtasts::state::append_json_string(quoted, input);
  const auto string = nlohmann::json::parse(quoted, nullptr, false);
  MTASTS_FUZZ_CHECK(string.is_string());
  MTASTS_FUZZ_CHECK(!mtasts::is_valid_utf8(input) || string.get<std::string>() == input);

  const auto json = nlohmann::json::parse(input, nullptr, false);
  if (json.is_discarded()) return 0;
  if (auto report = mtasts::state::decode_report(json)) {
    // What was read encodes again and reads back the same.
    auto round_trip = mtasts::state::decode_report(mtasts::state::encode_report(*report));
    MTASTS_FUZZ_CHECK(round_trip.has_value());
    MTASTS_FUZZ_CHECK(round_trip->findings == report->findings);
    MTASTS_FUZZ_CHECK(round_trip->domain == report->domain);
  } else {
    MTASTS_FUZZ_CHECK(!report.error().empty());
  }
  if (auto history = mtasts::state::decode_history(json)) {
    MTASTS_FUZZ_CHECK(
        mtasts::state::decode_history(mtasts::state::encode_history(*history)).has_value());
  }
  return 0;
}
