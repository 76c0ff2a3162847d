#include "net/smtp_probe.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <array>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <memory>

#include "common/with_deadline.hpp"
#include "mtasts/text.hpp"
#include "net/policy_fetch.hpp"

namespace mtasts::net {
namespace {

using namespace asio::experimental::awaitable_operators;
constexpr auto kToken = asio::experimental::as_tuple(asio::use_awaitable);

/// Reads one reply from `stream` (the TCP socket before STARTTLS, the TLS stream after),
/// within `timeout`. On failure sets `out`'s error and returns nullopt.
template <class Stream>
asio::awaitable<std::optional<SmtpReply>> read_reply(Stream& stream, SmtpReplyReader& reader,
                                                     std::chrono::milliseconds timeout,
                                                     SmtpProbe& out) {
  if (auto ready = reader.take()) co_return ready;
  asio::steady_timer deadline(co_await asio::this_coro::executor, timeout);
  std::array<char, 4096> buffer{};
  for (;;) {
    auto result = co_await (stream.async_read_some(asio::buffer(buffer), kToken) ||
                            deadline.async_wait(kToken));
    if (result.index() == 1) {
      out.error = SmtpError::timeout;
      out.detail = fmt::format("no complete reply within {} ms", timeout.count());
      co_return std::nullopt;
    }
    auto [ec, n] = std::get<0>(result);
    if (n > 0 && reader.feed(std::string_view(buffer.data(), n))) break;
    if (ec) {
      out.error = SmtpError::protocol;
      out.detail = "the server closed the connection: " + ec.message();
      co_return std::nullopt;
    }
  }
  if (reader.error() != SmtpReplyError::none) {
    out.error = SmtpError::protocol;
    out.detail = fmt::format("bad reply: {}", to_string(reader.error()));
    co_return std::nullopt;
  }
  auto reply = reader.take();
  if (reply) out.last_code = reply->code;
  co_return reply;
}

asio::awaitable<std::error_code> write(asio::ip::tcp::socket& socket, const std::string& data) {
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(data), kToken);
  co_return ec;
}

asio::awaitable<std::error_code> write(TlsConnection& connection, const std::string& data) {
  co_return co_await connection.write(asio::buffer(data));
}

template <class Stream>
asio::awaitable<bool> send(Stream& stream, const std::string& command, SmtpProbe& out) {
  if (auto ec = co_await write(stream, command)) {
    out.error = SmtpError::protocol;
    out.detail = "cannot send: " + ec.message();
    co_return false;
  }
  co_return true;
}

std::string first_line(const SmtpReply& reply) {
  return fmt::format("{} {}", reply.code,
                     printable(reply.lines.empty() ? "" : reply.lines[0], 200));
}

/// A 4xx/5xx where the dialogue needed a 2xx: keep the reply, say goodbye.
asio::awaitable<void> reject(asio::ip::tcp::socket& socket, SmtpProbe& out, SmtpError error,
                             const SmtpReply& reply) {
  out.error = error;
  out.detail = first_line(reply);
  co_await send(socket, "QUIT\r\n", out);
}

asio::awaitable<void> run_probe(asio::ssl::context& context, std::string host,
                                asio::ip::tcp::endpoint endpoint, SmtpOptions options,
                                std::shared_ptr<SmtpProbe> out) {
  asio::ip::tcp::socket socket(co_await asio::this_coro::executor);
  SmtpReplyReader reader(options.limits);

  out->stage = SmtpStage::connect;
  auto [connect_ec] = co_await socket.async_connect(endpoint, kToken);
  if (connect_ec) {
    out->error = is_local_resource_error(connect_ec)             ? SmtpError::local_resources
                 : connect_ec == asio::error::connection_refused ? SmtpError::connect_refused
                                                                 : SmtpError::connect_failed;
    out->detail = connect_ec.message();
    co_return;
  }

  out->stage = SmtpStage::banner;
  auto banner = co_await read_reply(socket, reader, options.step_timeout, *out);
  if (!banner) co_return;
  out->banner = printable(banner->lines.empty() ? "" : banner->lines[0], 200);
  if (banner->code != 220) {
    co_await reject(socket, *out, SmtpError::banner_rejected, *banner);
    co_return;
  }

  if (options.banner_only) {
    out->stage = SmtpStage::quit;
    if (co_await send(socket, "QUIT\r\n", *out)) {
      co_await read_reply(socket, reader, options.step_timeout, *out);
    }
    out->error = SmtpError::none;  // QUIT's outcome does not change what was found
    out->detail.clear();
    out->stage = SmtpStage::done;
    co_return;
  }

  out->stage = SmtpStage::ehlo;
  if (!co_await send(socket, "EHLO " + options.ehlo_name + "\r\n", *out)) co_return;
  auto ehlo = co_await read_reply(socket, reader, options.step_timeout, *out);
  if (!ehlo) co_return;
  if (ehlo->code != 250) {
    co_await reject(socket, *out, SmtpError::ehlo_rejected, *ehlo);
    co_return;
  }
  out->ehlo_keywords = ehlo->ehlo_keywords();
  out->starttls_offered = ehlo->has_keyword("STARTTLS");
  if (!out->starttls_offered) {
    if (co_await send(socket, "QUIT\r\n", *out)) {
      co_await read_reply(socket, reader, options.step_timeout, *out);
    }
    // QUIT's outcome does not change what was found.
    out->error = SmtpError::starttls_missing;
    out->detail = "EHLO did not list STARTTLS";
    co_return;
  }

  out->stage = SmtpStage::starttls;
  if (!co_await send(socket, "STARTTLS\r\n", *out)) co_return;
  auto ready = co_await read_reply(socket, reader, options.step_timeout, *out);
  if (!ready) co_return;
  if (ready->code != 220) {
    co_await reject(socket, *out, SmtpError::starttls_rejected, *ready);
    co_return;
  }
  if (reader.has_pending()) {
    // Bytes sent before TLS would be read as if they came under TLS (RFC 3207 §5, the
    // STARTTLS injection flaw): a correct server sends nothing more.
    out->error = SmtpError::protocol;
    out->detail = "the server sent data after 220 and before TLS";
    co_return;
  }

  out->stage = SmtpStage::tls;
  // Made only now: the dialogue before STARTTLS holds a socket, not TLS buffers.
  TlsConnection connection(socket, context);
  auto [tls_ec, tls] = co_await tls_handshake(connection, host);
  const bool got_certificate = tls.has_certificate;
  if (got_certificate || !tls_ec) out->tls = std::make_shared<const TlsFacts>(std::move(tls));
  if (!options.tlsa.empty() && got_certificate) {
    // The same chain, judged as DANE senders judge it; the PKIX facts above stay as they are.
    // (A client's peer chain starts with the server's certificate.)
    std::vector<X509*> chain;
    if (const STACK_OF(X509)* sent = SSL_get_peer_cert_chain(connection.native_handle())) {
      for (int i = 0; i < sk_X509_num(sent); ++i) chain.push_back(sk_X509_value(sent, i));
    }
    std::vector<std::string> names = {host};
    if (!options.dane_alias.empty()) names.push_back(options.dane_alias);
    out->dane = dane::verify_chain(chain, options.tlsa, names);
  }
  if (tls_ec) {
    out->error = SmtpError::tls_failed;
    out->detail = tls_ec.message();
    co_return;
  }

  // Leave politely (the reply to QUIT over TLS is read but does not matter).
  out->stage = SmtpStage::quit;
  SmtpReplyReader tls_reader(options.limits);
  if (co_await send(connection, "QUIT\r\n", *out)) {
    co_await read_reply(connection, tls_reader, options.step_timeout, *out);
  }
  out->error = SmtpError::none;
  out->detail.clear();
  out->stage = SmtpStage::done;
}

}  // namespace

asio::awaitable<SmtpProbe> probe_smtp(asio::ssl::context& context, std::string mx_host,
                                      asio::ip::tcp::endpoint endpoint, SmtpOptions options) {
  auto result = std::make_shared<SmtpProbe>();
  result->endpoint = endpoint;
  const auto started = std::chrono::steady_clock::now();
  // run_probe never throws for network failures, so the deadline's `||` is safe (asio#900).
  if (!co_await with_deadline(run_probe(context, std::move(mx_host), endpoint, options, result),
                              started + options.timeout)) {
    result->error = SmtpError::timeout;
    result->detail = fmt::format("the probe did not finish within {} ms (stopped at {})",
                                 options.timeout.count(), to_string(result->stage));
  }
  result->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  co_return std::move(*result);
}

}  // namespace mtasts::net
