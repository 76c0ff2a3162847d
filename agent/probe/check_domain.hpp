/// @file
/// @brief The look at one domain (README, "`check`"): DNS in parallel, then the policy
/// fetch from every address and the STARTTLS probe of every MX address concurrently. It
/// returns facts; evaluate() judges them. Failures are results: nothing throws past this
/// boundary for a network problem.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "dane/dnssec_resolver.hpp"
#include "dns/resolver.hpp"
#include "probe/domain_report.hpp"
#include "probe/port25_egress.hpp"
#include "probe/smtp_probe_sharing.hpp"

namespace mtasts::probe {

struct CheckOptions {
  std::chrono::milliseconds timeout{60000};  ///< for the whole check
  bool probe_mx = true;                      ///< false: DNS and policy only (--no-mx)
  std::string ehlo_name = "mta-sts-agent.invalid";
  std::uint16_t policy_port = 443;  ///< other ports only for labs
  std::uint16_t smtp_port = 25;
  bool ipv4 = true;
  bool ipv6 = true;
  /// Refuse loopback, private, link-local and ULA addresses (customer-supplied domains).
  bool deny_private_addresses = false;
  std::size_t max_mx_hosts = 10;
  std::size_t max_addresses_per_family = 4;
  /// Check DANE when the context has a DNSSEC resolver (config: dane).
  bool dane = true;
};

/// What a check needs that outlives it: one resolver and TLS contexts, shared by checks.
struct CheckContext {
  dns::Resolver& resolver;
  asio::ssl::context& policy_tls;  ///< TLS 1.2 minimum (RFC 8461 §7.2)
  asio::ssl::context& smtp_tls;    ///< offers older versions too, to report them
  /// Shares MX probes between domains with the same MX host; none: each check probes.
  SmtpProbeSharing* smtp_sharing = nullptr;
  /// Collects port-25 evidence from every check and says whether egress works; none: each
  /// check judges from its own probes.
  Port25EgressMonitor* egress = nullptr;
  /// DNSSEC-validated lookups for DANE (RFC 7672); none: DANE is not checked.
  dane::DnssecResolver* dnssec = nullptr;
};

/// Where DANE's DNSSEC validation comes from: the agent validates from a trust anchor file,
/// or trusts the AD bit of a validating resolver on this machine.
struct DaneSetup {
  std::string trust_anchor_file;
  std::string trusted_resolver;  ///< IP[:PORT]; empty: validate from the trust anchor

  bool operator==(const DaneSetup&) const = default;
};

/// What a CheckContext refers to, owned: the resolver and both TLS contexts, made from the
/// resolver addresses (empty: /etc/resolv.conf) and the CA bundle (none: the system store).
struct CheckTools {
  std::vector<std::string> dns_servers;
  std::optional<std::string> ca_file;
  std::unique_ptr<dns::Resolver> resolver;
  std::shared_ptr<asio::ssl::context> policy_tls;
  std::shared_ptr<asio::ssl::context> smtp_tls;
  std::unique_ptr<SmtpProbeSharing> smtp_sharing;  ///< set by the daemon
  std::unique_ptr<dane::DnssecResolver> dnssec;    ///< none: DANE is not checked
  std::optional<DaneSetup> dane;                   ///< what `dnssec` was made from

  CheckContext context(Port25EgressMonitor* egress = nullptr) {
    return {*resolver, *policy_tls, *smtp_tls, smtp_sharing.get(), egress, dnssec.get()};
  }
};

/// The tools, or why they cannot be made (a bad server address, an unreadable CA file or
/// trust anchor). `dane`: how DANE validates (queries go to `dns_servers`); none: DANE is
/// not checked.
Result<std::unique_ptr<CheckTools>> make_check_tools(asio::any_io_executor executor,
                                                     std::vector<std::string> dns_servers,
                                                     std::optional<std::string> ca_file,
                                                     std::optional<DaneSetup> dane = {});

/// The facts of one domain, not yet evaluated (findings empty, verdict unknown).
asio::awaitable<DomainReport> check_domain(CheckContext& context, std::string domain,
                                           CheckOptions options);

}  // namespace mtasts::probe
