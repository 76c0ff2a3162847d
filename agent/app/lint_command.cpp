#include "app/lint_command.hpp"

#include <fmt/format.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

#include "dane/tlsa_assessment.hpp"
#include "mtasts/domain_name.hpp"
#include "mtasts/idna.hpp"
#include "mtasts/mx_pattern.hpp"
#include "mtasts/policy.hpp"
#include "mtasts/sts_record.hpp"
#include "mtasts/text.hpp"
#include "mtasts/tlsrpt_record.hpp"
#include "mtasts/txt_presentation.hpp"
#include "net/certificate.hpp"
#include "report/json.hpp"

namespace mtasts::app {
namespace {

using report::Json;
using report::Tone;

// lint reads local files, but "-" may be an endless pipe: stop well above the 64 KiB a
// policy may have, so policy_too_large can still be reported.
constexpr std::size_t kMaxInputBytes = 1024 * 1024;

Json nullable(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

/// Reads the TXT arguments, accepting dig's quoted form. nullopt after a usage error.
std::optional<std::vector<std::string>> read_txt_arguments(const LintOptions& options,
                                                           std::ostream& err) {
  std::vector<std::string> records;
  for (const auto& input : options.inputs) {
    auto txt = read_txt_presentation(input);
    if (!txt) {
      err << "mta-sts-agent lint: cannot read " << in_quotes(input) << ": " << txt.error() << '\n';
      return std::nullopt;
    }
    records.push_back(std::move(*txt));
  }
  return records;
}

/// What every lint command reports: whether senders would use the input, the fields that
/// parsed, and the findings. Printed as one JSON object or as text for people.
struct LintReport {
  std::string heading;  ///< what was checked, e.g. "_mta-sts TXT record"
  bool valid = false;
  Json fields = Json::object();                             ///< the parsed fields, in output order
  std::vector<std::pair<std::string, std::string>> rows{};  ///< the same fields, as text
  std::function<void(std::ostream&, bool color)> print_extra{};  ///< text before findings
  std::vector<Finding> findings{};
};

void add_extensions(LintReport& report, std::span<const TagValueField> extensions) {
  Json json = Json::object();
  for (const auto& ext : extensions) {
    json[ext.name] = ext.value;
    report.rows.emplace_back(ext.name, printable(ext.value));
  }
  report.fields["extensions"] = std::move(json);
}

int emit(const LintOptions& options, const LintReport& report, std::ostream& out) {
  if (options.json) {
    Json j{{"valid", report.valid}};
    j.update(report.fields);
    j["findings"] = report::to_json(report.findings);
    out << report::dump(j) << '\n';
  } else {
    const bool color = report::use_color(options.color, STDOUT_FILENO);
    out << report.heading << ": "
        << report::paint(color, report.valid ? Tone::good : Tone::bad,
                         report.valid ? "valid" : "invalid")
        << '\n';
    for (const auto& [name, value] : report.rows) out << fmt::format("  {:<9}{}\n", name, value);
    if (report.print_extra) report.print_extra(out, color);
    report::print_findings(out, report.findings, color);
  }
  // Invalid, or an error: 1. (An invalid TLS-RPT record is only a warning for a domain's
  // verdict, since mail still arrives, but lint says whether the record works.)
  if (!report.valid) return kExitFindings;
  for (const auto& f : report.findings) {
    if (f.severity == Severity::error) return kExitFindings;
  }
  return kExitOk;
}

std::string describe_seconds(std::uint64_t seconds) {
  const auto unit = [seconds](std::uint64_t size, std::string_view name) {
    const auto n = seconds / size;
    return fmt::format("{} ({} {}{})", seconds, n, name, n == 1 ? "" : "s");
  };
  if (seconds >= 86400 && seconds % 86400 == 0) return unit(86400, "day");
  if (seconds >= 3600 && seconds % 3600 == 0) return unit(3600, "hour");
  return fmt::format("{} seconds", seconds);
}

struct ReadResult {
  std::string data;
  std::optional<std::string> error;
};

ReadResult read_policy_input(const std::string& path) {
  ReadResult result;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> owned(nullptr, &std::fclose);
  std::FILE* file = stdin;
  if (path != "-") {
    owned.reset(std::fopen(path.c_str(), "rb"));
    if (!owned) {
      result.error = fmt::format("cannot open {}: {}", in_quotes(path), std::strerror(errno));
      return result;
    }
    file = owned.get();
  }
  char buffer[16384];
  while (result.data.size() <= kMaxInputBytes) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, file);
    result.data.append(buffer, n);
    if (n < sizeof buffer) break;
  }
  if (std::ferror(file)) {
    result.error = fmt::format("cannot read {}: {}", in_quotes(path), std::strerror(errno));
  } else if (result.data.size() > kMaxInputBytes) {
    result.error = fmt::format("{} is larger than {} bytes; a policy has at most {} bytes",
                               in_quotes(path), kMaxInputBytes, kMaxPolicyBytes);
  }
  return result;
}

struct BioDeleter {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};

/// The certificates of a PEM file, in file order; a message when there are none.
Result<std::vector<net::X509Ptr>> read_pem_chain(const std::string& path) {
  const ReadResult input = read_policy_input(path);
  if (input.error) return failure(*input.error);
  const std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(input.data.data(), static_cast<int>(input.data.size())));
  std::vector<net::X509Ptr> chain;
  while (chain.size() < 16) {
    net::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    chain.push_back(std::move(cert));
  }
  if (chain.empty()) {
    return failure(
        fmt::format("{} has no PEM certificate (-----BEGIN CERTIFICATE-----)", in_quotes(path)));
  }
  return chain;
}

/// "3 1 1 0123…cdef": a record short enough for a line.
std::string short_record(const dane::TlsaRecord& record) {
  std::string text = dane::to_presentation(record);
  return text.size() > 30 ? text.substr(0, 20) + "…" + text.substr(text.size() - 8) : text;
}

}  // namespace

int lint_record(const LintOptions& options, std::ostream& out, std::ostream& err) {
  auto records = read_txt_arguments(options, err);
  if (!records) return kExitUsage;
  StsRecord record = evaluate_sts_records(*records, "_mta-sts");

  LintReport report{.heading = "_mta-sts TXT record", .valid = record.valid};
  report.fields["id"] = nullable(record.id);
  if (record.id) report.rows.emplace_back("id", *record.id);
  add_extensions(report, record.extensions);
  report.findings = std::move(record.findings);
  return emit(options, report, out);
}

int lint_tlsrpt(const LintOptions& options, std::ostream& out, std::ostream& err) {
  auto records = read_txt_arguments(options, err);
  if (!records) return kExitUsage;
  TlsRptRecord record = evaluate_tlsrpt_records(*records, "_smtp._tls");

  LintReport report{.heading = "_smtp._tls TXT record", .valid = record.valid};
  report.fields["rua"] = record.rua;
  for (std::size_t i = 0; i < record.rua.size(); ++i) {
    report.rows.emplace_back(i == 0 ? "rua" : "", printable(record.rua[i]));
  }
  add_extensions(report, record.extensions);
  report.findings = std::move(record.findings);
  return emit(options, report, out);
}

int lint_policy(const LintOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& path = options.inputs.front();
  // Hosts are matched as A-labels (a policy's mx lines must be A-labels, RFC 8461 §3.2).
  std::vector<std::string> mx_hosts;
  for (const auto& host : options.mx_hosts) {
    auto name = normalize_domain_input(host);
    if (!name) {
      err << "mta-sts-agent lint policy: --mx " << in_quotes(host) << " " << name.error() << '\n';
      return kExitUsage;
    }
    mx_hosts.push_back(std::move(*name));
  }
  const ReadResult input = read_policy_input(path);
  if (input.error) {
    err << "mta-sts-agent lint policy: " << *input.error << '\n';
    return kExitUsage;
  }
  const std::string subject = path == "-" ? "stdin" : path;
  Policy policy = parse_policy(input.data, subject);

  LintReport report{.heading = "policy " + printable(subject), .valid = policy.valid};
  report.fields["version"] = nullable(policy.version);
  report.fields["mode"] = policy.mode ? Json(to_string(*policy.mode)) : Json(nullptr);
  report.fields["max_age"] = policy.max_age ? Json(*policy.max_age) : Json(nullptr);
  report.fields["mx"] = policy.mx;
  if (policy.version) report.rows.emplace_back("version", *policy.version);
  if (policy.mode) report.rows.emplace_back("mode", to_string(*policy.mode));
  if (policy.max_age) report.rows.emplace_back("max_age", describe_seconds(*policy.max_age));
  for (std::size_t i = 0; i < policy.mx.size(); ++i) {
    report.rows.emplace_back(i == 0 ? "mx" : "", printable(policy.mx[i]));
  }
  add_extensions(report, policy.extensions);
  report.findings = std::move(policy.findings);

  // --mx: which of the given hosts the policy covers (RFC 8461 §4.1), and which patterns
  // cover none of them.
  if (!mx_hosts.empty()) {
    auto coverage = mx_coverage(policy.mx, mx_hosts);
    Json rows = Json::array();
    for (const auto& row : coverage) {
      rows.push_back({{"host", row.host},
                      {"covered", row.pattern.has_value()},
                      {"pattern", nullable(row.pattern)}});
      if (row.pattern) continue;
      report.findings.push_back(make_finding(
          FindingCode::mx_not_covered, row.host,
          fmt::format("MX host {} matches none of the policy's mx patterns; under enforce, "
                      "senders refuse to deliver to it",
                      in_quotes(row.host)),
          policy.mode));
    }
    report.fields["mx_coverage"] = std::move(rows);
    for (const auto& pattern : unused_patterns(policy.mx, mx_hosts)) {
      report.findings.push_back(make_finding(
          FindingCode::policy_mx_unused, pattern,
          fmt::format("pattern {} matches none of the given MX hosts", in_quotes(pattern))));
    }
    report.print_extra = [coverage = std::move(coverage)](std::ostream& os, bool color) {
      os << "MX coverage:\n";
      std::size_t width = 0;
      // Columns by characters, not bytes: a Unicode name is wider in UTF-8 than on screen.
      const auto columns = [](std::string_view s) {
        return static_cast<std::size_t>(
            std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
      };
      for (const auto& row : coverage) width = std::max(width, columns(display_name(row.host)));
      for (const auto& row : coverage) {
        const std::string name = display_name(row.host);
        os << "  " << name << std::string(width - columns(name) + 2, ' ')
           << (row.pattern
                   ? report::paint(color, Tone::good, "covered by " + printable(*row.pattern))
                   : report::paint(color, Tone::bad, "NOT COVERED"))
           << '\n';
      }
    };
  }
  return emit(options, report, out);
}

int lint_tlsa(const LintOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<dane::TlsaRecord> records;
  for (const auto& input : options.inputs) {
    auto record = dane::parse_tlsa_presentation(input);
    if (!record) {
      err << "mta-sts-agent lint tlsa: cannot read the record " << in_quotes(printable(input))
          << ": " << record.error() << '\n';
      return kExitUsage;
    }
    records.push_back(std::move(*record));
  }
  std::vector<std::string> names;
  if (!options.host.empty()) {
    auto name = normalize_domain_input(options.host);
    if (!name) {
      err << "mta-sts-agent lint tlsa: --host " << in_quotes(options.host) << " " << name.error()
          << '\n';
      return kExitUsage;
    }
    names.push_back(std::move(*name));
  }
  const auto chain = read_pem_chain(options.cert_file);
  if (!chain) {
    err << "mta-sts-agent lint tlsa: " << chain.error() << '\n';
    return kExitUsage;
  }
  std::vector<X509*> certs;
  for (const auto& cert : *chain) certs.push_back(cert.get());
  const std::string subject = names.empty() ? "TLSA records" : "_25._tcp." + names.front();
  auto assessment = dane::assess_tlsa(records, certs, names, subject);

  LintReport report{.heading = subject, .valid = assessment.valid};
  const auto leaf = net::describe_certificate(certs.front());
  report.fields["certificate"] = {
      {"subject", leaf.subject}, {"issuer", leaf.issuer}, {"chain_length", certs.size()}};
  Json rows = Json::array();
  for (const auto& r : assessment.records) {
    rows.push_back({{"record", dane::to_presentation(r.record)},
                    {"usage", dane::usage_name(r.record.usage)},
                    {"usable", !r.unusable.has_value()},
                    {"unusable_reason", nullable(r.unusable)},
                    {"matches", r.matches},
                    {"mismatch", r.unusable || r.matches ? Json(nullptr) : Json(r.mismatch)}});
    const std::string verdict =
        r.unusable ? "not usable: " + *r.unusable
                   : (r.matches ? "usable, matches" : "usable, does not match: " + r.mismatch);
    report.rows.emplace_back("record", short_record(r.record) + "  " +
                                           dane::usage_name(r.record.usage) + ", " + verdict);
  }
  report.fields["records"] = std::move(rows);
  report.fields["server_key_record"] = assessment.server_key_record;
  report.rows.emplace_back("server", leaf.subject + " (issued by " + leaf.issuer + ")");
  report.rows.emplace_back("its key", assessment.server_key_record);
  report.findings = std::move(assessment.findings);
  return emit(options, report, out);
}

}  // namespace mtasts::app
