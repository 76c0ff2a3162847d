/// @file
/// @brief The HTTPS GET of https://mta-sts.<domain>/.well-known/mta-sts.txt from one
/// address (RFC 8461 §3.3): TLS with SNI and verification recorded, HTTP/1.1, no redirects
/// followed, 64 KiB body cap, one deadline for the whole fetch.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "net/http_response.hpp"
#include "net/tls_client.hpp"

namespace mtasts::net {

inline constexpr std::string_view kPolicyPath = "/.well-known/mta-sts.txt";

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

struct FetchOptions {
  std::chrono::milliseconds timeout{60000};  ///< RFC 8461 §3.3 suggests one minute
  HttpLimits limits{};
  std::string user_agent = "mta-sts-agent";
};

/// Fetches the policy of `host` (the Policy Host, "mta-sts.<domain>") from `endpoint`.
/// Never throws for network failures: they are in the result. Honours cancellation.
asio::awaitable<PolicyFetch> fetch_policy(asio::ssl::context& context, std::string host,
                                          asio::ip::tcp::endpoint endpoint,
                                          FetchOptions options = {});

}  // namespace mtasts::net
