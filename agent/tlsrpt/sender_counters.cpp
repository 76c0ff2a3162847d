#include "tlsrpt/sender_counters.hpp"

#include <algorithm>

namespace mtasts::tlsrpt {
namespace {

std::string_view result_type_label(std::string_view text) {
  return to_string(result_type_from(text));
}

}  // namespace

std::string reporter_name(std::string_view organization) {
  std::string out;
  for (const char c : organization) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    out += c;
  }
  if (out.size() > SenderCounters::kMaxReporterLength) {
    std::size_t cut = SenderCounters::kMaxReporterLength;
    // Back to the first byte of a character: continuation bytes are 10xxxxxx.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out.empty() ? "unnamed" : out;
}

std::string SenderCounters::reporter_label(std::string_view organization) {
  std::string name = reporter_name(organization);
  if (name == "other" || last_end_.contains(name)) return name;
  const auto named = static_cast<std::size_t>(
      std::count_if(last_end_.begin(), last_end_.end(),
                    [](const auto& entry) { return entry.first != "other"; }));
  return named < kMaxReporters ? name : "other";
}

void SenderCounters::add(const ReportSummary& report,
                         const std::function<bool(std::string_view)>& is_domain_host) {
  const std::string reporter = reporter_label(report.organization);
  auto& last = last_end_[reporter];
  last = std::max(last, report.end);
  auto& successful = sessions_[{reporter, report.policy_type, "success"}];
  successful = saturating_add(successful, report.successful);
  auto& failed = sessions_[{reporter, report.policy_type, "failure"}];
  failed = saturating_add(failed, report.failed);
  for (const auto& failure : report.failures) {
    const std::string mx = !failure.receiving_mx.empty() && is_domain_host(failure.receiving_mx)
                               ? failure.receiving_mx
                               : "other";
    FailureKey key{reporter, std::string(result_type_label(failure.result_type)), mx};
    if (failures_.size() >= kMaxFailureSeries && !failures_.contains(key)) {
      key = {"other", std::get<1>(key), "other"};
    }
    auto& count = failures_[key];
    count = saturating_add(count, failure.sessions);
  }
}

}  // namespace mtasts::tlsrpt
