/// @file
/// @brief `mta-sts-agent check DOMAIN...`: the whole check, once, for people or scripts.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "report/terminal.hpp"

namespace mtasts::app {

struct CheckCommandOptions {
  std::vector<std::string> domains;
  bool json = false;
  report::ColorChoice color = report::ColorChoice::automatic;
  std::vector<std::string> dns_servers;  ///< IP[:PORT]; empty: /etc/resolv.conf
  std::optional<std::string> ca_file;
  /// The DNSSEC trust anchor DANE lookups are validated from; none: DANE is not checked.
  std::optional<std::string> dane_trust_anchor;
  std::string dane_resolver;  ///< trust this local resolver's AD bit instead
  bool dane = false;          ///< check DANE with the default trust anchor
  std::string timeout = "60s";
  bool no_mx = false;
  bool deny_private_addresses = false;
  std::string ehlo_name;  ///< empty: this machine's host name
  std::string expiry_warning = "14d";
  std::uint16_t policy_port = 443;
  std::uint16_t smtp_port = 25;
  /// Known-good SMTP servers (HOST:PORT) greeted to prove outbound port 25 works.
  std::vector<std::string> egress_canaries;
};

/// This machine's fully qualified host name, or "mta-sts-agent.invalid" when it has none.
std::string default_ehlo_name();

int run_check(const CheckCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mtasts::app
