/// @file
/// @brief What one policy fetch found (net/policy_fetch gathers it): where it stopped, the TLS
/// facts and the response. Plain data, so evaluate and the reports need no I/O code.
#pragma once

#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "net/http_response.hpp"
#include "net/tls_facts.hpp"

namespace mtasts::net {

/// Where a fetch stopped. A stable label: it goes into reports.
enum class FetchError : std::uint8_t {
  none,
  connect_refused,  ///< TCP RST: nothing listens on the port
  connect_failed,   ///< unreachable network or host, or another connect error
  tls_failed,       ///< the handshake failed (no common version or cipher, alert, reset)
  http_malformed,   ///< the response is not HTTP/1.x, or its framing is broken
  http_truncated,   ///< the connection closed before the response was complete
  body_too_large,   ///< more than the limit (the first bytes are kept)
  timeout,          ///< the deadline passed (the stage says where)
  /// The agent itself ran out of file descriptors, buffers or memory: says nothing about
  /// the policy host (appended: reports store the number).
  local_resources,
};

/// Whether `ec` is the agent's own shortage (EMFILE, ENFILE, ENOBUFS, ENOMEM), not the
/// peer's doing: a check must never blame a domain for it.
bool is_local_resource_error(const std::error_code& ec) noexcept;

std::string_view to_string(FetchError error) noexcept;

enum class FetchStage : std::uint8_t { connect, tls, http, done };
std::string_view to_string(FetchStage stage) noexcept;

struct PolicyFetch {
  asio::ip::tcp::endpoint endpoint;
  FetchError error = FetchError::none;
  FetchStage stage = FetchStage::connect;  ///< the stage reached (where an error happened)
  std::string detail;                      ///< free text for people: the system's message
  SharedTlsFacts tls;                      ///< once the handshake got a certificate
  std::optional<HttpResponse> response;    ///< status, headers and body (capped)
  double seconds = 0;
};

}  // namespace mtasts::net
