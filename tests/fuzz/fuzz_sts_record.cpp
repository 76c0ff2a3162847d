// libFuzzer target: the _mta-sts TXT record parser and selection (RFC 8461 §3.1).
// Each line of the input is one TXT record of the name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "mtasts/sts_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> records = mtasts::fuzz::split_lines(input);
  const mtasts::StsRecord r = mtasts::evaluate_sts_records(records, "_mta-sts.fuzz.example");
  // Invariants: a valid record has an id of 1..32 letters and digits, and no error finding.
  if (r.valid) {
    MTASTS_FUZZ_CHECK(r.id && !r.id->empty() && r.id->size() <= 32);
    MTASTS_FUZZ_CHECK(!mtasts::fuzz::has_error(r.findings));
  } else {
    MTASTS_FUZZ_CHECK(!r.findings.empty());
  }
  mtasts::fuzz::check_messages_printable(r.findings);
  return 0;
}
