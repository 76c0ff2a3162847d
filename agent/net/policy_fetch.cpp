#include "net/policy_fetch.hpp"

#include <fmt/format.h>

#include <array>
#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <memory>

#include "common/with_deadline.hpp"

namespace mtasts::net {
namespace {

constexpr auto kToken = asio::experimental::as_tuple(asio::use_awaitable);

FetchError connect_error(const std::error_code& ec) {
  if (is_local_resource_error(ec)) return FetchError::local_resources;
  return ec == asio::error::connection_refused ? FetchError::connect_refused
                                               : FetchError::connect_failed;
}

/// The fetch itself, filling `out` as it goes so a timeout still reports what was seen.
asio::awaitable<void> run_fetch(asio::ssl::context& context, std::string host,
                                asio::ip::tcp::endpoint endpoint, FetchOptions options,
                                std::shared_ptr<PolicyFetch> out) {
  asio::ip::tcp::socket socket(co_await asio::this_coro::executor);

  out->stage = FetchStage::connect;
  auto [connect_ec] = co_await socket.async_connect(endpoint, kToken);
  if (connect_ec) {
    out->error = connect_error(connect_ec);
    out->detail = connect_ec.message();
    co_return;
  }

  out->stage = FetchStage::tls;
  TlsConnection connection(socket, context);
  auto [tls_ec, tls] = co_await tls_handshake(connection, host);
  if (tls.has_certificate || !tls_ec) out->tls = std::make_shared<const TlsFacts>(std::move(tls));
  if (tls_ec) {
    out->error = FetchError::tls_failed;
    out->detail = tls_ec.message();
    co_return;
  }

  out->stage = FetchStage::http;
  const std::string request = fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: text/plain\r\n"
      "Connection: close\r\n\r\n",
      kPolicyPath, host, options.user_agent);
  if (auto write_ec = co_await connection.write(asio::buffer(request))) {
    out->error = FetchError::http_truncated;
    out->detail = write_ec.message();
    co_return;
  }
  HttpResponseParser parser(options.limits);
  // In the coroutine's frame, which lives as long as the fetch: small.
  std::array<char, 4096> buffer{};
  for (;;) {
    auto [read_ec, n] = co_await connection.read_some(asio::buffer(buffer));
    if (n > 0 && parser.feed(std::string_view(buffer.data(), n))) break;
    if (read_ec) {
      // EOF, or a close without TLS close_notify (common, and harmless with a framed body).
      parser.finish();
      if (read_ec != asio::error::eof && read_ec != asio::ssl::error::stream_truncated &&
          parser.error() == HttpError::truncated) {
        out->detail = read_ec.message();
      }
      break;
    }
  }
  if (parser.response().status != 0) out->response = std::move(parser.response());
  switch (parser.error()) {
    case HttpError::none: break;
    case HttpError::body_too_large: out->error = FetchError::body_too_large; break;
    case HttpError::truncated: out->error = FetchError::http_truncated; break;
    default:
      out->error = FetchError::http_malformed;
      out->detail = std::string(to_string(parser.error()));
      break;
  }
  if (out->error == FetchError::none) out->stage = FetchStage::done;
  std::error_code ignored;
  socket.close(ignored);  // Connection: close; no TLS shutdown to wait for
}

}  // namespace

asio::awaitable<PolicyFetch> fetch_policy(asio::ssl::context& context, std::string host,
                                          asio::ip::tcp::endpoint endpoint, FetchOptions options) {
  auto result = std::make_shared<PolicyFetch>();
  result->endpoint = endpoint;
  const auto started = std::chrono::steady_clock::now();
  // run_fetch never throws for network failures, so the deadline's `||` is safe (asio#900).
  if (!co_await with_deadline(run_fetch(context, std::move(host), endpoint, options, result),
                              started + options.timeout)) {
    result->error = FetchError::timeout;
    result->detail = fmt::format("no complete answer within {} ms (stopped at {})",
                                 options.timeout.count(), to_string(result->stage));
  }
  result->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  co_return std::move(*result);
}

}  // namespace mtasts::net
