/// @file
/// @brief `mta-sts-agent lint`: the RFC parsers run offline on records and policy files.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "report/terminal.hpp"

namespace mtasts::app {

/// Exit codes of every command (README, "`lint`").
inline constexpr int kExitOk = 0;        ///< no error findings
inline constexpr int kExitFindings = 1;  ///< at least one error finding
inline constexpr int kExitUsage = 2;     ///< usage, input or configuration error

struct LintOptions {
  std::vector<std::string> inputs;    ///< TXT strings, or one policy path ("-" = stdin)
  std::vector<std::string> mx_hosts;  ///< lint policy --mx
  std::string cert_file;              ///< lint tlsa --cert
  std::string host;                   ///< lint tlsa --host
  bool json = false;
  report::ColorChoice color = report::ColorChoice::automatic;
};

int lint_record(const LintOptions& options, std::ostream& out, std::ostream& err);
int lint_tlsrpt(const LintOptions& options, std::ostream& out, std::ostream& err);
int lint_policy(const LintOptions& options, std::ostream& out, std::ostream& err);
int lint_tlsa(const LintOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mtasts::app
