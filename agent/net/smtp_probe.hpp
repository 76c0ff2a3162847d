/// @file
/// @brief The STARTTLS probe of one MX address (RFC 8461 §4, RFC 3207): banner, EHLO,
/// STARTTLS, TLS with SNI = the MX host name, QUIT. Every step has a deadline, every
/// reply a size bound, and failures are results.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dane/tlsa_record.hpp"
#include "net/smtp_probe_facts.hpp"
#include "net/smtp_reply.hpp"
#include "net/tls_client.hpp"

namespace mtasts::net {

struct SmtpOptions {
  std::string ehlo_name = "mta-sts-agent.invalid";
  std::chrono::milliseconds step_timeout{30000};  ///< for each reply
  std::chrono::milliseconds timeout{90000};       ///< for the whole probe
  SmtpLimits limits{};
  /// Stop after a 220 greeting (QUIT, stage done): an egress canary needs no more.
  bool banner_only = false;
  /// The host's DNSSEC-secure TLSA records (RFC 7672 §2.2): when there are any, the chain the
  /// handshake gets is judged against them as DANE senders judge it (SmtpProbe::dane).
  std::vector<dane::TlsaRecord> tlsa{};
  /// The name a CNAME'd MX host expands to (secure chain): DANE-TA accepts it as well as the
  /// host's own name (RFC 7672 §3.2.2). Empty: no CNAME.
  std::string dane_alias{};
};

/// Probes `mx_host` at `endpoint` (port 25). `context` should offer TLS versions below 1.2
/// too, so an old server is reported as such rather than as a failed handshake.
asio::awaitable<SmtpProbe> probe_smtp(asio::ssl::context& context, std::string mx_host,
                                      asio::ip::tcp::endpoint endpoint, SmtpOptions options = {});

}  // namespace mtasts::net
