/// @file
/// @brief What one STARTTLS probe of an MX address found (net/smtp_probe gathers it): where it
/// stopped, the replies and the TLS facts. Plain data, so evaluate and the reports need no I/O
/// code.
#pragma once

#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/heap_optional.hpp"
#include "dane/dane_verify.hpp"
#include "net/tls_facts.hpp"

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
  SharedTlsFacts tls;  ///< once the handshake got a certificate (the MTA-STS, PKIX, view)
  /// The same handshake's chain judged against the host's usable, DNSSEC-secure TLSA records
  /// as a DANE sender judges it (RFC 7672 §3); none when DANE does not apply to the host.
  HeapOptional<dane::DaneOutcome> dane;
  double seconds = 0;
};

}  // namespace mtasts::net
