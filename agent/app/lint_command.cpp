#include "app/lint_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <ostream>

#include "mtasts/domain_name.hpp"
#include "mtasts/mx_pattern.hpp"
#include "mtasts/policy.hpp"
#include "mtasts/sts_record.hpp"
#include "mtasts/text.hpp"
#include "mtasts/tlsrpt_record.hpp"
#include "mtasts/txt_presentation.hpp"
#include "report/json.hpp"

namespace mtasts::app {
namespace {

using report::Json;
using report::Tone;

// lint reads local files, but "-" may be an endless pipe: stop well above the 64 KiB a
// policy may have, so policy_too_large can still be reported.
constexpr std::size_t kMaxInputBytes = 1024 * 1024;

int exit_code_for(std::span<const Finding> findings) {
  for (const auto& f : findings) {
    if (f.severity == Severity::error) return kExitFindings;
  }
  return kExitOk;
}

Json nullable(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

/// Reads the TXT arguments, accepting dig's quoted form. nullopt after a usage error.
std::optional<std::vector<std::string>> read_txt_arguments(const LintOptions& options,
                                                           std::ostream& err) {
  std::vector<std::string> records;
  for (const auto& input : options.inputs) {
    TxtText txt = read_txt_presentation(input);
    if (txt.error) {
      err << "mta-sts-agent lint: cannot read " << in_quotes(input) << ": " << *txt.error << '\n';
      return std::nullopt;
    }
    records.push_back(std::move(txt.text));
  }
  return records;
}

void print_heading(std::ostream& out, bool color, std::string_view what, bool valid) {
  out << what << ": "
      << report::paint(color, valid ? Tone::good : Tone::bad, valid ? "valid" : "invalid") << '\n';
}

void print_field(std::ostream& out, std::string_view name, std::string_view value) {
  out << fmt::format("  {:<9}{}\n", name, value);
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

}  // namespace

int lint_record(const LintOptions& options, std::ostream& out, std::ostream& err) {
  auto records = read_txt_arguments(options, err);
  if (!records) return kExitUsage;
  const StsRecord record = evaluate_sts_records(*records, "_mta-sts");

  if (options.json) {
    Json j{{"valid", record.valid}, {"id", nullable(record.id)}};
    Json extensions = Json::object();
    for (const auto& ext : record.extensions) extensions[ext.name] = ext.value;
    j["extensions"] = std::move(extensions);
    j["findings"] = report::to_json(record.findings);
    out << report::dump(j) << '\n';
  } else {
    const bool color = report::use_color(options.color, STDOUT_FILENO);
    print_heading(out, color, "_mta-sts TXT record", record.valid);
    if (record.id) print_field(out, "id", *record.id);
    for (const auto& ext : record.extensions) print_field(out, ext.name, printable(ext.value));
    report::print_findings(out, record.findings, color);
  }
  return exit_code_for(record.findings);
}

int lint_tlsrpt(const LintOptions& options, std::ostream& out, std::ostream& err) {
  auto records = read_txt_arguments(options, err);
  if (!records) return kExitUsage;
  const TlsRptRecord record = evaluate_tlsrpt_records(*records, "_smtp._tls");

  if (options.json) {
    Json j{{"valid", record.valid}, {"rua", record.rua}};
    Json extensions = Json::object();
    for (const auto& ext : record.extensions) extensions[ext.name] = ext.value;
    j["extensions"] = std::move(extensions);
    j["findings"] = report::to_json(record.findings);
    out << report::dump(j) << '\n';
  } else {
    const bool color = report::use_color(options.color, STDOUT_FILENO);
    print_heading(out, color, "_smtp._tls TXT record", record.valid);
    for (std::size_t i = 0; i < record.rua.size(); ++i) {
      print_field(out, i == 0 ? "rua" : "", printable(record.rua[i]));
    }
    for (const auto& ext : record.extensions) print_field(out, ext.name, printable(ext.value));
    report::print_findings(out, record.findings, color);
  }
  return exit_code_for(record.findings);
}

int lint_policy(const LintOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& path = options.inputs.front();
  for (const auto& host : options.mx_hosts) {
    if (auto problem =
            domain_name_problem(host.ends_with('.') ? host.substr(0, host.size() - 1) : host)) {
      err << "mta-sts-agent lint policy: --mx " << in_quotes(host) << " " << *problem << '\n';
      return kExitUsage;
    }
  }
  const ReadResult input = read_policy_input(path);
  if (input.error) {
    err << "mta-sts-agent lint policy: " << *input.error << '\n';
    return kExitUsage;
  }
  const std::string subject = path == "-" ? "stdin" : path;
  Policy policy = parse_policy(input.data, subject);

  // --mx: which of the given hosts the policy covers (RFC 8461 §4.1), and which patterns
  // cover none of them.
  const auto coverage = mx_coverage(policy.mx, options.mx_hosts);
  if (!options.mx_hosts.empty()) {
    for (const auto& row : coverage) {
      if (row.pattern) continue;
      policy.findings.push_back(make_finding(
          FindingCode::mx_not_covered, row.host,
          fmt::format("MX host {} matches none of the policy's mx patterns; under enforce, "
                      "senders refuse to deliver to it",
                      in_quotes(row.host)),
          policy.mode));
    }
    for (const auto& pattern : unused_patterns(policy.mx, options.mx_hosts)) {
      policy.findings.push_back(make_finding(
          FindingCode::policy_mx_unused, pattern,
          fmt::format("pattern {} matches none of the given MX hosts", in_quotes(pattern))));
    }
  }

  if (options.json) {
    Json j{{"valid", policy.valid},
           {"version", nullable(policy.version)},
           {"mode", policy.mode ? Json(to_string(*policy.mode)) : Json(nullptr)},
           {"max_age", policy.max_age ? Json(*policy.max_age) : Json(nullptr)},
           {"mx", policy.mx}};
    Json extensions = Json::object();
    for (const auto& ext : policy.extensions) extensions[ext.name] = ext.value;
    j["extensions"] = std::move(extensions);
    if (!options.mx_hosts.empty()) {
      Json rows = Json::array();
      for (const auto& row : coverage) {
        rows.push_back({{"host", row.host},
                        {"covered", row.pattern.has_value()},
                        {"pattern", nullable(row.pattern)}});
      }
      j["mx_coverage"] = std::move(rows);
    }
    j["findings"] = report::to_json(policy.findings);
    out << report::dump(j) << '\n';
  } else {
    const bool color = report::use_color(options.color, STDOUT_FILENO);
    print_heading(out, color, fmt::format("policy {}", printable(subject)), policy.valid);
    if (policy.version) print_field(out, "version", *policy.version);
    if (policy.mode) print_field(out, "mode", to_string(*policy.mode));
    if (policy.max_age) print_field(out, "max_age", describe_seconds(*policy.max_age));
    for (std::size_t i = 0; i < policy.mx.size(); ++i) {
      print_field(out, i == 0 ? "mx" : "", printable(policy.mx[i]));
    }
    for (const auto& ext : policy.extensions) print_field(out, ext.name, printable(ext.value));
    if (!coverage.empty()) {
      out << "MX coverage:\n";
      std::size_t width = 0;
      for (const auto& row : coverage) width = std::max(width, printable(row.host).size());
      for (const auto& row : coverage) {
        out << fmt::format("  {:<{}}  ", printable(row.host), width)
            << (row.pattern
                    ? report::paint(color, Tone::good, "covered by " + printable(*row.pattern))
                    : report::paint(color, Tone::bad, "NOT COVERED"))
            << '\n';
      }
    }
    report::print_findings(out, policy.findings, color);
  }
  return exit_code_for(policy.findings);
}

}  // namespace mtasts::app
