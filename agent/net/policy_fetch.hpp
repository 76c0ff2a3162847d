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
#include "net/policy_fetch_facts.hpp"
#include "net/tls_client.hpp"

namespace mtasts::net {

inline constexpr std::string_view kPolicyPath = "/.well-known/mta-sts.txt";

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
