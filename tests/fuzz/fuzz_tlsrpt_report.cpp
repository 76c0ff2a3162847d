// libFuzzer target: a TLS-RPT report as it arrives (RFC 8460 §4.4, §5.3): JSON, gzip or a mail
// message found and read (GMime), then parsed and validated. Whatever comes in, the result is a
// report that keeps the RFC's invariants or an error that says something.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "mtasts/tlsrpt_report.hpp"
#include "tlsrpt/report_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtasts::tlsrpt;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  InputLimits limits;
  limits.max_report_bytes = 1u << 20;
  const auto reports = extract_reports(input, InputFormat::detect, limits);
  if (!reports) {
    MTASTS_FUZZ_CHECK(!reports.error().empty());
    return 0;
  }
  MTASTS_FUZZ_CHECK(!reports->empty() && reports->size() <= limits.max_reports_per_message);
  for (const auto& json : *reports) {
    MTASTS_FUZZ_CHECK(json.size() <= limits.max_report_bytes);
    const auto report = parse_report(json);
    if (!report) {
      MTASTS_FUZZ_CHECK(!report.error().empty());
      continue;
    }
    MTASTS_FUZZ_CHECK(!report->organization.empty() && !report->report_id.empty());
    MTASTS_FUZZ_CHECK(report->end > report->start);
    MTASTS_FUZZ_CHECK(!report->policies.empty());
    for (const auto& policy : report->policies) MTASTS_FUZZ_CHECK(!policy.domain.empty());
    (void)failed_sessions(*report);
  }
  return 0;
}
