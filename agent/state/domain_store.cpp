#include "state/domain_store.hpp"

#include <algorithm>
#include <cstring>

#include "mtasts/mx_pattern.hpp"

namespace mtasts::state {
namespace {

void cut(std::string& text, std::size_t limit) {
  if (text.size() > limit) text.resize(limit);
}

void bound(probe::TxtLookupFacts& lookup) {
  if (lookup.records.size() > DomainStore::kMaxKeptTxtRecords) {
    lookup.records.resize(DomainStore::kMaxKeptTxtRecords);
  }
  for (auto& record : lookup.records) cut(record, DomainStore::kMaxKeptTxtBytes);
  cut(lookup.error, DomainStore::kMaxKeptTxtBytes);
}

/// Drops what was needed to evaluate the check but is never shown again, so 10,000
/// domains' reports stay small: EHLO keywords (the verdict kept whether STARTTLS was
/// offered) and HTTP headers other than those the report shows. And bounds what a hostile
/// domain controls (DNS answers, the policy body) to a few tens of KiB.
void compact(probe::DomainReport& report) {
  bound(report.sts);
  bound(report.tlsrpt);
  for (auto& lookup : report.misplaced_lookups) bound(lookup);
  group_findings(report.sts_record.findings);
  group_findings(report.tlsrpt_record.findings);
  if (auto& parsed = report.policy.parsed) {
    if (parsed->mx.size() > DomainStore::kMaxKeptPatterns) {
      parsed->mx.resize(DomainStore::kMaxKeptPatterns);
    }
    if (parsed->extensions.size() > DomainStore::kMaxKeptPatterns) {
      parsed->extensions.resize(DomainStore::kMaxKeptPatterns);
    }
    group_findings(parsed->findings);
  }
  bool first_body = true;
  for (auto& fetch : report.policy.fetches) {
    if (!fetch.response) continue;
    auto& body = fetch.response->body;
    // The other addresses' answers were compared already (policy_family_mismatch).
    if (!first_body) body.clear();
    cut(body, DomainStore::kMaxKeptPolicyBody);
    body.shrink_to_fit();
    first_body = false;
  }
  for (auto& mx : report.mx) {
    for (auto& probe : mx.probes) {
      probe.ehlo_keywords.clear();
      probe.ehlo_keywords.shrink_to_fit();
    }
  }
  for (auto& fetch : report.policy.fetches) {
    if (!fetch.response) continue;
    auto& headers = fetch.response->headers;
    std::erase_if(headers,
                  [](const auto& h) { return h.first != "content-type" && h.first != "location"; });
    headers.shrink_to_fit();
  }
}

}  // namespace

std::shared_ptr<const probe::DomainReport> DomainStore::record(probe::DomainReport report,
                                                               probe::PolicyHistory history) {
  ++generation_;
  DomainEntry& entry = entries_[report.domain];
  entry.history = std::move(history);
  add_summary(entry, report);
  entry.days.add(std::chrono::system_clock::to_time_t(report.started), report.verdict);
  if (!entry.report) ++checked_;
  compact(report);
  intern_tls(report);
  entry.report = std::make_shared<const probe::DomainReport>(std::move(report));
  count_uncounted(entry);
  return entry.report;
}

void DomainStore::intern_tls(probe::DomainReport& report) {
  for (auto& fetch : report.policy.fetches) fetch.tls = intern(fetch.tls);
  for (auto& mx : report.mx) {
    for (auto& probe : mx.probes) probe.tls = intern(probe.tls);
  }
}

net::SharedTlsFacts DomainStore::intern(const net::SharedTlsFacts& facts) {
  if (!facts) return facts;
  std::size_t hash = 0;
  std::memcpy(&hash, facts->certificate.sha256.data(), sizeof hash);
  hash ^= std::hash<std::string>{}(facts->version) + 0x9e3779b97f4a7c15 + (hash << 6) + (hash >> 2);
  hash ^= std::hash<std::string>{}(facts->cipher) + 0x9e3779b97f4a7c15 + (hash << 6) + (hash >> 2);
  auto [first, last] = tls_pool_.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    if (auto kept = it->second.lock(); kept && *kept == *facts) return kept;
  }
  if (tls_pool_.size() >= 2 * std::max<std::size_t>(tls_pool_swept_size_, 1024)) {
    std::erase_if(tls_pool_, [](const auto& entry) { return entry.second.expired(); });
    tls_pool_swept_size_ = tls_pool_.size();
  }
  tls_pool_.emplace(hash, facts);
  return facts;
}

void DomainStore::add_summary(DomainEntry& entry, const probe::DomainReport& report) {
  CheckSummary summary{.at = std::chrono::system_clock::to_time_t(report.started),
                       .verdict = report.verdict,
                       .seconds = report.seconds,
                       .codes = {}};
  for (const auto& f : report.findings) {
    if (f.severity != Severity::info) summary.codes.push_back(f.code);
  }
  if (entry.recent.size() == kRecentChecks) entry.recent.pop_back();
  if (entry.recent.size() == entry.recent.capacity()) {
    entry.recent.reserve(
        std::min(kRecentChecks, std::max<std::size_t>(1, entry.recent.size() * 2)));
  }
  entry.recent.insert(entry.recent.begin(), std::move(summary));
}

void DomainStore::retain(const std::map<std::string, Labels>& domains) {
  ++generation_;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (domains.contains(it->first)) {
      ++it;
      continue;
    }
    if (it->second.report) --checked_;
    it = entries_.erase(it);
  }
  for (const auto& [domain, labels] : domains) entries_[domain].labels = labels;
}

bool DomainStore::add_sender_report(const tlsrpt::ReportSummary& report) {
  auto it = entries_.find(report.domain);
  if (it == entries_.end()) return false;
  DomainEntry& entry = it->second;
  if (!entry.report && entry.uncounted.size() < kMaxUncountedReports) {
    entry.uncounted.push_back(report);
    return true;
  }
  count_sender_report(entry, report);
  return true;
}

void DomainStore::count_uncounted(DomainEntry& entry) {
  for (const auto& report : entry.uncounted) count_sender_report(entry, report);
  entry.uncounted.clear();
  entry.uncounted.shrink_to_fit();
}

void DomainStore::count_sender_report(DomainEntry& entry, const tlsrpt::ReportSummary& report) {
  ++generation_;
  if (!entry.senders) entry.senders = std::make_unique<tlsrpt::SenderCounters>();
  // The domain's own hosts, as the latest check saw them: its MX set and its policy's patterns.
  const auto is_domain_host = [&entry](std::string_view host) {
    if (!entry.report) return false;
    const auto& r = *entry.report;
    for (const auto& mx : r.mx) {
      if (mx.host == host) return true;
    }
    if (r.policy.parsed) {
      for (const auto& pattern : r.policy.parsed->mx) {
        if (mx_pattern_matches(pattern, host)) return true;
      }
    }
    return false;
  };
  entry.senders->add(report, is_domain_host);
}

void DomainStore::restore(const std::string& domain, std::optional<probe::PolicyHistory> history,
                          std::optional<probe::DomainReport> report,
                          std::optional<DailyVerdicts> days) {
  auto it = entries_.find(domain);
  if (it == entries_.end()) return;
  ++generation_;
  DomainEntry& entry = it->second;
  if (history) entry.history = std::move(history);
  if (days) {
    entry.days = *days;
  } else if (report) {  // a database of an older agent: the day of the latest check at least
    entry.days.add(std::chrono::system_clock::to_time_t(report->started), report->verdict);
  }
  if (report && !entry.report) {
    add_summary(entry, *report);
    intern_tls(*report);
    ++checked_;
    entry.report = std::make_shared<const probe::DomainReport>(std::move(*report));
    count_uncounted(entry);
  }
}

const DomainEntry* DomainStore::find(const std::string& domain) const {
  auto it = entries_.find(domain);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace mtasts::state
