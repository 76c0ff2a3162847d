/// @file
/// @brief The daemon's configuration (README, "Configuration"): YAML → typed, immutable Config.
/// Defaults live in the types; every error names the file, the line and the field path, and
/// says what is allowed. Parsing collects all errors instead of stopping at the first.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "mtasts/host_port.hpp"

namespace mtasts::config {

/// The longest value each duration may take: beyond these a setting is a mistake (`timeout:
/// 300y` would also overflow the clock), and the error says so.
namespace limits {
inline constexpr std::chrono::milliseconds kInterval{7LL * 24 * 3600 * 1000};            // 7d
inline constexpr std::chrono::milliseconds kTimeout{10LL * 60 * 1000};                   // 10m
inline constexpr std::chrono::milliseconds kRetryInterval{24LL * 3600 * 1000};           // 1d
inline constexpr std::chrono::milliseconds kExpiryWarning{365LL * 24 * 3600 * 1000};     // 365d
inline constexpr std::chrono::milliseconds kMxProbeReuse{3600LL * 1000};                 // 1h
inline constexpr std::chrono::milliseconds kShutdownGrace{3600LL * 1000};                // 1h
inline constexpr std::chrono::milliseconds kReportRetention{3660LL * 24 * 3600 * 1000};  // ~10y
}  // namespace limits

/// A setting's duration (config file, command line) in the Prometheus grammar: not zero
/// unless `allow_zero`, at most `max`; or a message that quotes the text and says which
/// rule it breaks.
Result<std::chrono::milliseconds> parse_setting_duration(std::string_view text,
                                                         std::chrono::milliseconds max,
                                                         bool allow_zero = false);

/// What may be set globally and overridden per domain.
struct CheckSettings {
  std::chrono::milliseconds interval{15 * 60 * 1000};  ///< between two checks of a domain
  std::chrono::milliseconds timeout{60 * 1000};        ///< of one check
  /// After a failed check, the next one comes this much later (unless the regular slot is
  /// sooner but not earlier than this): RFC 8461 §3.3 asks for no retry sooner than 5 min.
  std::chrono::milliseconds retry_interval{5 * 60 * 1000};
  bool probe_mx = true;
  bool ipv4 = true;
  bool ipv6 = true;
  std::chrono::milliseconds expiry_warning{14LL * 24 * 3600 * 1000};
  std::uint16_t policy_port = 443;  ///< other ports only for labs
  std::uint16_t smtp_port = 25;
  /// Check DANE (RFC 7672) beside MTA-STS: validated MX, address and TLSA lookups and the
  /// STARTTLS chain judged by the TLSA records. Needs a working trust anchor (GlobalSettings).
  bool dane = true;
};

/// Settings of the agent as a whole.
struct GlobalSettings {
  CheckSettings check;
  std::size_t concurrency = 100;         ///< checks in flight at most
  std::vector<std::string> dns_servers;  ///< IP[:PORT]; empty: /etc/resolv.conf
  std::optional<std::string> ca_file;    ///< PEM bundle; none: the system store
  std::string ehlo_name;                 ///< empty: this machine's host name
  /// Refuse loopback, RFC 1918, link-local and ULA targets (for customer-supplied domains).
  bool deny_private_addresses = false;
  /// How long the result of a STARTTLS probe of an MX address, and of the MX host's address
  /// and DANE lookups, is reused for other domains with the same MX host (0: only a probe
  /// still running is joined).
  std::chrono::milliseconds mx_probe_reuse{60000};
  /// Known-good SMTP servers greeted every minute to prove outbound port 25 works (or is
  /// blocked) where the fleet's own MX hosts are too few to tell. Empty: the fleet decides.
  std::vector<HostPort> egress_canaries;
  /// The rua URIs that reach this agent (its mailbox, its HTTPS listener): domains whose
  /// _smtp._tls record names one expect reports, and get a finding when none come.
  std::vector<std::string> tlsrpt_rua;
  /// The DNSSEC trust anchor DANE validates from (DS or DNSKEY records in zone-file form).
  std::string dane_trust_anchor = std::string(kDefaultTrustAnchor);
  /// False while dane_trust_anchor is the default: a missing file then turns DANE off (with
  /// a warning) instead of being an error.
  bool dane_trust_anchor_set = false;
  /// A validating resolver on this machine (IP[:PORT]) whose AD bit is trusted instead of
  /// validating from the trust anchor; empty: the agent validates itself.
  std::string dane_resolver;

  static constexpr std::string_view kDefaultTrustAnchor = "/usr/share/dns/root.key";
};

struct Target {
  std::string domain;                         ///< lower case, no trailing dot
  CheckSettings check;                        ///< global settings with the overrides applied
  std::map<std::string, std::string> labels;  ///< from file_sd target files
  std::string source;                         ///< "FILE:LINE" where it was declared
};

struct Config {
  GlobalSettings global;
  std::vector<Target> targets;                 ///< inline and from target files, each domain once
  std::vector<std::string> files_read;         ///< the config file and every target file read
  std::vector<std::string> target_file_globs;  ///< the patterns as full paths
};

struct ConfigError {
  std::string file;
  int line = 0;      ///< 1-based; 0 when not tied to a line
  std::string path;  ///< the field path, e.g. "targets[3].interval"
  std::string message;

  /// "FILE:LINE: PATH: MESSAGE"
  std::string to_string() const;
};

/// The configuration, or every error found in it.
using ConfigResult = Result<Config, std::vector<ConfigError>>;

/// Reads and validates the config file at `path`, and every target file it names.
ConfigResult load_config(const std::string& path);

/// The same for YAML text; target file patterns are resolved against `base_dir`.
ConfigResult parse_config(std::string_view yaml, const std::string& file_name,
                          const std::string& base_dir = ".");

}  // namespace mtasts::config
