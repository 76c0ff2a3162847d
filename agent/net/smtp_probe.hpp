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

#include "net/smtp_reply.hpp"
#include "net/tls_client.hpp"

namespace mtasts::net {

/// Where an SMTP probe stopped. A stable label: it goes into reports.
enum class SmtpError : std::uint8_t {
  none,
  connect_refused,
  connect_failed,
  timeout,          ///< a step did not finish in time (the stage says which)
  banner_rejected,  ///< the greeting was 4xx/5xx (the code is in the result)
  ehlo_rejected,
  starttls_missing,   ///< EHLO did not offer STARTTLS
  starttls_rejected,  ///< STARTTLS answered with something other than 220
  tls_failed,         ///< the TLS handshake failed
  protocol,           ///< a malformed, endless or oversized reply, or a closed connection
  local_resources,    ///< the agent ran out of file descriptors or memory (appended)
};

std::string_view to_string(SmtpError error) noexcept;

enum class SmtpStage : std::uint8_t { connect, banner, ehlo, starttls, tls, quit, done };
std::string_view to_string(SmtpStage stage) noexcept;

struct SmtpProbe {
  asio::ip::tcp::endpoint endpoint;
  SmtpError error = SmtpError::none;
  SmtpStage stage = SmtpStage::connect;
  std::string detail;  ///< free text for people: a reply line or system message
  int last_code = 0;   ///< the last reply code received
  std::string banner;  ///< the greeting's first line
  std::vector<std::string> ehlo_keywords;
  bool starttls_offered = false;
  SharedTlsFacts tls;  ///< once the handshake got a certificate
  double seconds = 0;
};

struct SmtpOptions {
  std::string ehlo_name = "mta-sts-agent.invalid";
  std::chrono::milliseconds step_timeout{30000};  ///< for each reply
  std::chrono::milliseconds timeout{90000};       ///< for the whole probe
  SmtpLimits limits{};
  /// Stop after a 220 greeting (QUIT, stage done): an egress canary needs no more.
  bool banner_only = false;
};

/// Probes `mx_host` at `endpoint` (port 25). `context` should offer TLS versions below 1.2
/// too, so an old server is reported as such rather than as a failed handshake.
asio::awaitable<SmtpProbe> probe_smtp(asio::ssl::context& context, std::string mx_host,
                                      asio::ip::tcp::endpoint endpoint, SmtpOptions options = {});

}  // namespace mtasts::net
