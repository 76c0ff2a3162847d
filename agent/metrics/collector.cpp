#include "metrics/collector.hpp"

#include <fmt/format.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>

#include "common/utf8.hpp"
#include "common/version.hpp"
#include "metrics/families.hpp"
#include "metrics/process.hpp"
#include "probe/sender_outlook.hpp"

namespace mtasts::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

/// A label value in the text exposition format (version 0.0.4): backslash, double quote and
/// line feed escaped. Label values come from DNS, policy hosts, target files and TLS-RPT
/// reports.
void append_label_value(std::string& out, std::string_view value) {
  // Prometheus refuses the whole scrape for one label value that is not UTF-8: a name that
  // came from outside must not blind every domain's series. (collect() gives its values
  // through valid_utf8: both renders say the same.)
  append_valid_utf8(out, value, [](std::string& o, char c) {
    switch (c) {
      case '\\': o += "\\\\"; break;
      case '"': o += "\\\""; break;
      case '\n': o += "\\n"; break;
      default: o += c;
    }
  });
}

/// A sample value as prometheus-cpp's TextSerializer writes it (an ostream at precision 16:
/// "%.16g"), so both renders give the same text.
void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "Nan";
  } else if (std::isinf(value)) {
    out += value < 0 ? "-Inf" : "+Inf";
  } else if (value == std::trunc(value) && std::fabs(value) < 1e15 &&
             !(value == 0 && std::signbit(value))) {
    // Counts, flags and timestamps, most samples: as the integer they are.
    fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int64_t>(value));
  } else {
    fmt::format_to(std::back_inserter(out), "{:.16g}", value);
  }
}

/// The families under construction, each sample's labels named by its family's spec. Either
/// as prometheus-cpp's MetricFamily objects (collect()), or, for one family, as lines of
/// text written as the samples come (render(): a scrape of 400,000 series spent a third of
/// its time building those objects and writing them through an ostream).
class Samples {
 public:
  /// `only`: keep the samples of this family and drop the others.
  explicit Samples(std::optional<Family> only = std::nullopt) : only_(only) {
    families_.resize(metric_families().size());
    for (const auto& spec : metric_families()) {
      if (only_ && spec.family != *only_) continue;
      families_[static_cast<std::size_t>(spec.family)] =
          MetricFamily{std::string(spec.name), std::string(spec.help), spec.type, {}};
    }
  }
  /// The samples of `only` appended to `text` in the exposition format, without the
  /// family's HELP and TYPE lines.
  Samples(Family only, std::string& text) : only_(only), text_(&text) {}

  /// Whether samples of any of these families are kept (to skip work for the others).
  bool wants(std::initializer_list<Family> families) const {
    if (!only_) return true;
    for (auto f : families) {
      if (f == *only_) return true;
    }
    return false;
  }

  /// A sample with its family's labels in order, then `extra` (a domain's labels from its
  /// target file, without a second "domain").
  void add(Family family, std::initializer_list<std::string_view> values, double value,
           const state::Labels* extra = nullptr) {
    if (only_ && family != *only_) return;
    const auto index = static_cast<std::size_t>(family);
    const auto& names = label_names()[index];
    const auto extra_labels = [extra](auto&& each) {
      if (extra == nullptr) return;
      for (const auto& [name, label] : *extra) {
        if (name != "domain") each(name, label);
      }
    };
    if (text_ != nullptr) {
      std::string& out = *text_;
      out += metric_families()[index].name;
      const char* separator = "{";
      const auto label = [&out, &separator](std::string_view name, std::string_view text) {
        out += separator;
        out += name;
        out += "=\"";
        append_label_value(out, text);
        out += '"';
        separator = ",";
      };
      auto value_it = values.begin();
      for (std::size_t i = 0; i < names.size() && value_it != values.end(); ++i, ++value_it) {
        label(names[i], *value_it);
      }
      extra_labels(label);
      if (*separator == ',') out += '}';
      out += ' ';
      append_value(out, value);
      out += '\n';
      return;
    }
    ClientMetric metric;
    auto value_it = values.begin();
    for (std::size_t i = 0; i < names.size() && value_it != values.end(); ++i, ++value_it) {
      metric.label.push_back({names[i], valid_utf8(*value_it)});
    }
    extra_labels([&metric](const std::string& name, const std::string& label) {
      metric.label.push_back({name, valid_utf8(label)});
    });
    if (families_[index].type == MetricType::Counter) {
      metric.counter.value = value;
    } else {
      metric.gauge.value = value;
    }
    families_[index].metric.push_back(std::move(metric));
  }

  std::vector<MetricFamily> take() { return std::move(families_); }

 private:
  std::optional<Family> only_;
  std::string* text_ = nullptr;
  /// Each family's label names, split once from its spec.
  static const std::vector<std::vector<std::string>>& label_names() {
    static const auto names = [] {
      std::vector<std::vector<std::string>> out;
      for (const auto& spec : metric_families()) {
        std::vector<std::string> family;
        for (std::string_view rest = spec.labels; !rest.empty();) {
          const auto comma = rest.find(',');
          family.emplace_back(rest.substr(0, comma));
          rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
        out.push_back(std::move(family));
      }
      return out;
    }();
    return names;
  }

  std::vector<MetricFamily> families_;
};

double as_number(bool b) {
  return b ? 1.0 : 0.0;
}

/// The certificate facts of one host over all its addresses: the earliest expiry, and
/// whether every address presented a verified certificate.
struct HostCertificate {
  std::time_t not_after = 0;
  bool valid = true;
  bool seen = false;

  void add(const net::SharedTlsFacts& tls) {
    if (!tls || !tls->has_certificate) return;
    const auto& cert = tls->certificate;
    not_after = seen ? std::min(not_after, cert.not_after) : cert.not_after;
    valid = valid && cert.verified;
    seen = true;
  }
};

void add_certificate(Samples& out, const std::string& domain, const std::string& host,
                     std::string_view role, const HostCertificate& cert) {
  if (!cert.seen) return;
  out.add(Family::cert_not_after_timestamp_seconds, {domain, host, role},
          static_cast<double>(cert.not_after));
  out.add(Family::cert_valid, {domain, host, role}, as_number(cert.valid));
}

/// DANE per MX host: the DNSSEC status of its records, its usable TLSA records, whether the
/// chains matched them.
void add_mx_dane(Samples& out, const std::string& domain, const probe::DomainReport& r,
                 const probe::MxHostFacts& mx) {
  if (!mx.dane || !mx.dane->error.empty()) return;
  const auto& d = *mx.dane;
  const auto status =
      d.address_security == dane::Security::bogus || d.tlsa_security == dane::Security::bogus
          ? dane::Security::bogus
      : d.address_security == dane::Security::secure && d.tlsa_security == dane::Security::secure
          ? dane::Security::secure
          : dane::Security::insecure;
  out.add(Family::mx_dnssec_status, {domain, mx.host, dane::to_string(status)}, 1);
  const bool applies = probe::dane_applies(r, mx);
  const auto usable = applies ? dane::count_usable(d.tlsa) : 0;
  out.add(Family::mx_tlsa_usable_records, {domain, mx.host}, static_cast<double>(usable));
  if (usable == 0) return;
  bool seen = false, matched = true;
  for (const auto& probe : mx.probes) {
    if (!probe.dane) continue;
    seen = true;
    matched = matched && probe.dane->matched;
  }
  if (seen) out.add(Family::mx_tlsa_match, {domain, mx.host}, as_number(matched));
}

void add_mx_hosts(Samples& out, const std::string& domain, const probe::DomainReport& r) {
  const bool policy_usable = r.policy.parsed && r.policy.parsed->valid;
  for (std::size_t h = 0; h < r.mx.size(); ++h) {
    const auto& mx = r.mx[h];
    const bool repeated =
        std::any_of(r.mx.begin(), r.mx.begin() + static_cast<std::ptrdiff_t>(h),
                    [&mx](const probe::MxHostFacts& e) { return e.host == mx.host; });
    if (repeated) continue;

    if (policy_usable) {
      out.add(Family::mx_policy_match, {domain, mx.host}, as_number(mx.policy_match.has_value()));
    }
    HostCertificate cert;
    std::vector<std::string_view> versions;  // in the order first seen
    bool v4_seen = false, v4_ok = true, v6_seen = false, v6_ok = true;
    for (const auto& probe : mx.probes) {
      const bool ok = probe.stage == net::SmtpStage::quit || probe.stage == net::SmtpStage::done;
      if (probe.endpoint.address().is_v4()) {
        v4_seen = true;
        v4_ok = v4_ok && ok;
      } else {
        v6_seen = true;
        v6_ok = v6_ok && ok;
      }
      if (probe.tls && !probe.tls->version.empty() &&
          std::find(versions.begin(), versions.end(), probe.tls->version) == versions.end()) {
        versions.emplace_back(probe.tls->version);
      }
      cert.add(probe.tls);
    }
    if (v4_seen) out.add(Family::mx_starttls_success, {domain, mx.host, "ipv4"}, as_number(v4_ok));
    if (v6_seen) out.add(Family::mx_starttls_success, {domain, mx.host, "ipv6"}, as_number(v6_ok));
    for (auto version : versions)
      out.add(Family::mx_tls_version_info, {domain, mx.host, version}, 1);
    add_certificate(out, domain, mx.host, "mx", cert);
    add_mx_dane(out, domain, r, mx);
  }
}

void add_sender_outlook(Samples& out, const std::string& domain, const probe::DomainReport& r) {
  const auto outlook = probe::sender_outlook(r);
  if (!outlook) return;
  const auto add = [&](std::string_view sender, const probe::SenderView& view) {
    if (view.policy) {
      out.add(Family::sender_policy, {domain, sender, probe::to_string(*view.policy)}, 1);
    }
    if (view.delivers != probe::Delivery::unknown) {
      out.add(Family::sender_delivers, {domain, sender},
              as_number(view.delivers == probe::Delivery::yes));
    }
  };
  add("mta-sts", outlook->mta_sts);
  if (outlook->dane) add("dane", *outlook->dane);
}

void add_sender_reports(Samples& out, const std::string& domain,
                        const tlsrpt::SenderCounters& senders) {
  for (const auto& [key, sessions] : senders.sessions()) {
    const auto& [reporter, policy_type, result] = key;
    out.add(Family::tlsrpt_sessions_total, {domain, reporter, policy_type, result},
            static_cast<double>(sessions));
  }
  for (const auto& [key, sessions] : senders.failures()) {
    const auto& [reporter, result_type, mx] = key;
    out.add(Family::tlsrpt_failed_sessions_total, {domain, reporter, result_type, mx},
            static_cast<double>(sessions));
  }
  for (const auto& [reporter, end] : senders.last_report_end()) {
    out.add(Family::tlsrpt_last_report_end_timestamp_seconds, {domain, reporter},
            static_cast<double>(end));
  }
}

void add_domain(Samples& out, const std::string& domain, const state::DomainEntry& entry) {
  // Each block only where its families are wanted: a scrape renders one family at a time,
  // and touching every part of 10,000 reports in each pass costs more than the samples.
  if (out.wants({Family::domain_info})) {
    out.add(Family::domain_info, {domain}, 1, &entry.labels);
  }
  if (entry.senders &&
      out.wants({Family::tlsrpt_sessions_total, Family::tlsrpt_failed_sessions_total,
                 Family::tlsrpt_last_report_end_timestamp_seconds})) {
    add_sender_reports(out, domain, *entry.senders);
  }
  if (!entry.report) return;
  const probe::DomainReport& r = *entry.report;

  if (out.wants({Family::domain_verdict})) {
    for (auto verdict : {probe::Verdict::ok, probe::Verdict::warning, probe::Verdict::fail,
                         probe::Verdict::unknown}) {
      out.add(Family::domain_verdict, {domain, probe::to_string(verdict)},
              as_number(r.verdict == verdict));
    }
  }
  // One series per (code, subject): a finding repeated per address is one active problem.
  if (out.wants({Family::finding})) {
    std::set<std::pair<FindingCode, std::string_view>> seen;
    for (const auto& f : r.findings) {
      if (seen.emplace(f.code, f.subject).second)
        out.add(Family::finding, {domain, to_string(f.code), to_string(f.severity), f.subject}, 1);
    }
  }
  out.add(Family::sts_record_valid, {domain},
          as_number(r.sts_status == probe::RecordStatus::valid));
  out.add(Family::tlsrpt_record_valid, {domain},
          as_number(r.tlsrpt_status == probe::RecordStatus::valid));
  out.add(Family::policy_valid, {domain}, as_number(r.policy_status == probe::PolicyStatus::valid));
  const auto& policy = r.policy.parsed;
  if (policy && out.wants({Family::policy_info, Family::policy_max_age_seconds})) {
    if (policy->mode) {
      out.add(Family::policy_info, {domain, r.sts_record.id.value_or(""), to_string(*policy->mode)},
              1);
    }
    if (policy->max_age) {
      out.add(Family::policy_max_age_seconds, {domain}, static_cast<double>(*policy->max_age));
    }
  }
  if (out.wants({Family::policy_http_status_code, Family::cert_not_after_timestamp_seconds,
                 Family::cert_valid})) {
    int http_status = 0;
    HostCertificate policy_cert;
    for (const auto& fetch : r.policy.fetches) {
      if (http_status == 0 && fetch.response) http_status = fetch.response->status;
      policy_cert.add(fetch.tls);
    }
    if (!r.policy.fetches.empty()) {
      out.add(Family::policy_http_status_code, {domain}, http_status);
    }
    add_certificate(out, domain, r.policy.host, "policy", policy_cert);
  }
  if (entry.history && out.wants({Family::policy_last_change_timestamp_seconds,
                                  Family::policy_mode_since_timestamp_seconds,
                                  Family::policy_previous_expiry_timestamp_seconds})) {
    const auto& history = *entry.history;
    if (history.last_change != 0) {
      out.add(Family::policy_last_change_timestamp_seconds, {domain},
              static_cast<double>(history.last_change));
    }
    if (history.mode_since != 0) {
      out.add(Family::policy_mode_since_timestamp_seconds, {domain},
              static_cast<double>(history.mode_since));
    }
    if (history.previous_expiry != 0) {
      out.add(Family::policy_previous_expiry_timestamp_seconds, {domain},
              static_cast<double>(history.previous_expiry));
    }
  }

  if (out.wants({Family::mx_policy_match, Family::mx_starttls_success, Family::mx_tls_version_info,
                 Family::cert_not_after_timestamp_seconds, Family::cert_valid,
                 Family::mx_dnssec_status, Family::mx_tlsa_usable_records,
                 Family::mx_tlsa_match})) {
    add_mx_hosts(out, domain, r);
  }
  if (r.dnssec && r.dnssec->error.empty() && out.wants({Family::dnssec_status})) {
    out.add(Family::dnssec_status, {domain, dane::to_string(r.dnssec->mx_security)}, 1);
  }
  if (out.wants({Family::sender_policy, Family::sender_delivers})) {
    add_sender_outlook(out, domain, r);
  }
  out.add(Family::check_duration_seconds, {domain}, r.seconds);
  out.add(Family::check_last_run_timestamp_seconds, {domain},
          std::chrono::duration<double>(r.started.time_since_epoch()).count());
}

/// `process`: read once per scrape by the caller (it reads several files under /proc).
void add_agent(Samples& out, const state::DomainStore& store, const AgentStats& stats,
               const std::optional<ProcessStats>& process) {
#if defined(__clang__)
  const std::string compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  const std::string compiler = "gcc " __VERSION__;
#else
  const std::string compiler = "unknown";
#endif
  out.add(Family::agent_build_info, {version(), compiler}, 1);
  out.add(Family::agent_domains, {}, static_cast<double>(stats.domains));
  out.add(Family::agent_domains_checked, {}, static_cast<double>(store.checked_count()));
  out.add(Family::agent_checks_total, {}, static_cast<double>(stats.checks_total));
  out.add(Family::agent_check_failures_total, {}, static_cast<double>(stats.check_failures_total));
  out.add(Family::agent_checks_in_flight, {}, static_cast<double>(stats.checks_in_flight));
  out.add(Family::agent_check_concurrency_limit, {}, static_cast<double>(stats.concurrency_limit));
  out.add(Family::agent_schedule_lag_seconds, {}, stats.schedule_lag_seconds);
  out.add(Family::agent_config_last_reload_successful, {},
          as_number(stats.config_last_reload_successful));
  out.add(Family::agent_config_last_reload_success_timestamp_seconds, {},
          static_cast<double>(stats.config_last_reload_success_timestamp));
  out.add(Family::agent_shard_index, {}, static_cast<double>(stats.shard_index));
  out.add(Family::agent_shards, {}, static_cast<double>(stats.shard_total));
  out.add(Family::agent_state_save_failures_total, {},
          static_cast<double>(stats.state_save_failures_total));
  out.add(Family::agent_smtp_probes_total, {}, static_cast<double>(stats.smtp_probes_total));
  out.add(Family::agent_smtp_probes_shared_total, {},
          static_cast<double>(stats.smtp_probes_shared_total));
  for (const auto& [source, reports] : stats.tlsrpt_reports_total) {
    out.add(Family::agent_tlsrpt_reports_total, {source}, static_cast<double>(reports));
  }
  for (const auto& [key, inputs] : stats.tlsrpt_inputs_total) {
    out.add(Family::agent_tlsrpt_inputs_total, {key.first, key.second},
            static_cast<double>(inputs));
  }
  if (stats.port25_egress_up) {
    out.add(Family::agent_port25_egress_up, {}, as_number(*stats.port25_egress_up));
  }
  if (stats.dane_validation_up) {
    out.add(Family::agent_dane_validation_up, {}, as_number(*stats.dane_validation_up));
  }
  if (process) {
    out.add(Family::process_cpu_seconds_total, {}, process->cpu_seconds);
    out.add(Family::process_resident_memory_bytes, {}, process->resident_bytes);
    out.add(Family::process_virtual_memory_bytes, {}, process->virtual_bytes);
    out.add(Family::process_start_time_seconds, {}, process->start_time_seconds);
    out.add(Family::process_open_fds, {}, process->open_fds);
    out.add(Family::process_max_fds, {}, process->max_fds);
  }
}

}  // namespace

std::vector<MetricFamily> collect(const state::DomainStore& store, const AgentStats& stats) {
  Samples out;
  for (const auto& [domain, entry] : store.entries()) add_domain(out, domain, entry);
  add_agent(out, store, stats, read_process_stats());
  return out.take();
}

void render(const state::DomainStore& store, const AgentStats& stats,
            const std::function<void(std::string_view)>& sink, std::size_t domains_per_chunk) {
  const auto& entries = store.entries();
  const auto process = read_process_stats();
  const std::size_t chunk = std::max<std::size_t>(domains_per_chunk, 1);
  std::string text;
  for (const auto& spec : metric_families()) {
    // HELP and TYPE as prometheus-cpp's TextSerializer writes them (HELP only when there is
    // one; the families' help texts need no escaping).
    text.clear();
    if (!spec.help.empty())
      fmt::format_to(std::back_inserter(text), "# HELP {} {}\n", spec.name, spec.help);
    fmt::format_to(std::back_inserter(text), "# TYPE {} {}\n", spec.name,
                   spec.type == MetricType::Counter ? "counter"
                   : spec.type == MetricType::Gauge ? "gauge"
                                                    : "untyped");
    Samples out(spec.family, text);
    // The agent's own families have no per-domain samples: no pass over the domains.
    auto it = is_domain_family(spec.family) ? entries.begin() : entries.end();
    while (it != entries.end()) {
      for (std::size_t n = 0; it != entries.end() && n < chunk; ++it, ++n) {
        add_domain(out, it->first, it->second);
      }
      if (it != entries.end()) {
        sink(text);
        text.clear();
      }
    }
    add_agent(out, store, stats, process);
    sink(text);
  }
}

std::string serialize(const std::vector<MetricFamily>& families) {
  std::ostringstream text;
  prometheus::TextSerializer().Serialize(text, families);
  return text.str();
}

}  // namespace mtasts::metrics
