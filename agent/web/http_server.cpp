#include "web/http_server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>
#include <charconv>
#include <map>

#include "common/gzip.hpp"
#include "common/log.hpp"
#include "common/with_deadline.hpp"

namespace mtasts::web {

struct HttpServer::Shared {
  explicit Shared(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}
  ServerOptions options;
  Handler handler;
  std::vector<asio::ip::tcp::acceptor> acceptors;
  std::size_t connections = 0;
  bool stopping = false;
  /// Response bodies being written, each buffer counted once however many send it.
  std::map<const std::string*, std::size_t> held_bodies;
  std::size_t held_bytes = 0;
};

namespace {

using asio::ip::tcp;
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

std::chrono::steady_clock::time_point after(std::chrono::milliseconds d) {
  return std::chrono::steady_clock::now() + d;
}

/// Keeps a response body counted in the server's budget while it is being written.
class HeldBody {
 public:
  HeldBody(HttpServer::Shared& shared, std::shared_ptr<const std::string> body)
      : shared_(shared), body_(std::move(body)) {
    if (shared_.held_bodies[body_.get()]++ == 0) shared_.held_bytes += body_->size();
  }
  ~HeldBody() {
    auto it = shared_.held_bodies.find(body_.get());
    if (--it->second == 0) {
      shared_.held_bytes -= body_->size();
      shared_.held_bodies.erase(it);
    }
  }
  HeldBody(const HeldBody&) = delete;
  HeldBody& operator=(const HeldBody&) = delete;
  const std::string& bytes() const { return *body_; }

 private:
  HttpServer::Shared& shared_;
  std::shared_ptr<const std::string> body_;
};

bool fits_budget(const HttpServer::Shared& shared, const std::shared_ptr<const std::string>& body) {
  if (shared.held_bodies.contains(body.get())) return true;  // already counted
  return shared.held_bytes + body->size() <= shared.options.max_response_bytes;
}

/// Sends `response` (compressed when the client accepts it and it is worth it).
template <class Stream>
asio::awaitable<bool> send(Stream& stream, HttpServer::Shared& shared, const HttpRequest* request,
                           HttpServerResponse response, bool keep_alive) {
  const bool encoded = std::any_of(response.headers.begin(), response.headers.end(),
                                   [](const auto& h) { return h.first == "Content-Encoding"; });
  if (request && !encoded && !response.shared_body && request->accepts_gzip() &&
      response.body.size() >= shared.options.gzip_min_bytes) {
    if (auto compressed = gzip_compress(response.body)) {
      response.body = std::move(*compressed);
      response.headers.emplace_back("Content-Encoding", "gzip");
    }
  }
  if (!response.shared_body) {
    response.shared_body = std::make_shared<const std::string>(std::move(response.body));
    response.body.clear();
  }
  if (!fits_budget(shared, response.shared_body)) {
    // Slow readers already hold the budget: refuse rather than grow without bound.
    log::debug("http response refused: response memory budget reached",
               {{"held_bytes", std::to_string(shared.held_bytes)},
                {"body_bytes", std::to_string(response.shared_body->size())}});
    response = HttpServerResponse{.status = 503, .body = "busy: too many responses unread\n"};
    response.headers.emplace_back("Retry-After", "5");
    response.shared_body = std::make_shared<const std::string>(std::move(response.body));
    keep_alive = false;
  }
  if (request) response.headers.emplace_back("Vary", "Accept-Encoding");
  const bool head_only = request && request->method == "HEAD";
  const std::string head = serialize_head(response, keep_alive);
  const HeldBody held(shared, response.shared_body);
  const std::array<asio::const_buffer, 2> buffers = {
      asio::buffer(head), head_only ? asio::const_buffer() : asio::buffer(held.bytes())};
  auto written = co_await with_deadline(asio::async_write(stream, buffers, kTuple),
                                        after(shared.options.write_timeout));
  co_return written && !std::get<0>(*written);
}

HttpServerResponse error_response(int status, std::string message) {
  return HttpServerResponse{.status = status, .body = std::move(message) + "\n"};
}

template <class Stream>
asio::awaitable<void> serve_requests(Stream& stream, std::shared_ptr<HttpServer::Shared> shared) {
  const ServerOptions& options = shared->options;
  std::string buffer;
  for (;;) {
    auto head = co_await with_deadline(
        asio::async_read_until(stream, asio::dynamic_buffer(buffer, options.max_head_bytes),
                               "\r\n\r\n", kTuple),
        after(options.request_timeout));
    if (!head) co_return;  // idle or too slow: close
    auto [ec, head_size] = *head;
    if (ec == asio::error::not_found) {
      co_await send(stream, *shared, nullptr,
                    error_response(431, "request head larger than " +
                                            std::to_string(options.max_head_bytes) + " bytes"),
                    false);
      co_return;
    }
    if (ec) co_return;
    auto parsed = parse_request_head(std::string_view(buffer).substr(0, head_size));
    buffer.erase(0, head_size);
    if (!parsed) {
      co_await send(stream, *shared, nullptr, error_response(400, parsed.error()), false);
      co_return;
    }
    HttpRequest& request = *parsed;
    std::error_code peer_ec;
    const auto peer = stream.lowest_layer().remote_endpoint(peer_ec);
    if (!peer_ec) request.client = peer.address().to_string();
    if (request.header("transfer-encoding")) {
      co_await send(stream, *shared, &request,
                    error_response(501, "Transfer-Encoding is not supported; send Content-Length"),
                    false);
      co_return;
    }
    const auto length = request.content_length();
    if (!length) {
      co_await send(stream, *shared, &request, error_response(400, "malformed Content-Length"),
                    false);
      co_return;
    }
    if (*length > options.max_body_bytes) {
      co_await send(stream, *shared, &request,
                    error_response(413, "request body larger than " +
                                            std::to_string(options.max_body_bytes) + " bytes"),
                    false);
      co_return;
    }
    if (buffer.size() < *length) {
      auto body = co_await with_deadline(
          asio::async_read(stream, asio::dynamic_buffer(buffer),
                           asio::transfer_exactly(*length - buffer.size()), kTuple),
          after(options.request_timeout));
      if (!body || std::get<0>(*body)) co_return;
    }
    const std::string body = buffer.substr(0, *length);
    buffer.erase(0, *length);

    HttpServerResponse response;
    try {
      response = co_await shared->handler(request, body);
    } catch (const std::exception& e) {
      log::error("http handler failed", {{"path", request.path}, {"err", e.what()}});
      response = error_response(500, "internal error (see the agent's log)");
    }
    const bool keep_alive = request.keep_alive() && !shared->stopping;
    if (!co_await send(stream, *shared, &request, std::move(response), keep_alive)) co_return;
    if (!keep_alive) co_return;
  }
}

asio::awaitable<void> serve_connection(tcp::socket socket,
                                       std::shared_ptr<HttpServer::Shared> shared) {
  struct Count {  // connections open, for the cap
    HttpServer::Shared& s;
    explicit Count(HttpServer::Shared& shared) : s(shared) { ++s.connections; }
    ~Count() { --s.connections; }
  } count(*shared);
  socket.set_option(tcp::no_delay(true));
  if (!shared->options.tls) {
    co_await serve_requests(socket, shared);
    asio::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
  }
  asio::ssl::stream<tcp::socket> stream(std::move(socket), *shared->options.tls);
  auto handshake =
      co_await with_deadline(stream.async_handshake(asio::ssl::stream_base::server, kTuple),
                             after(shared->options.request_timeout));
  if (!handshake || std::get<0>(*handshake)) {
    log::debug("http TLS handshake failed",
               {{"err", handshake ? std::get<0>(*handshake).message() : "timed out"}});
    co_return;
  }
  co_await serve_requests(stream, shared);
  co_await with_deadline(stream.async_shutdown(kTuple), after(std::chrono::seconds(2)));
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor,
                                  std::shared_ptr<HttpServer::Shared> shared) {
  asio::steady_timer backoff(acceptor.get_executor());
  auto pause = std::chrono::milliseconds(10);
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (shared->stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // EMFILE and the like: the pending connection stays queued, so accepting again at once
      // would spin. Wait (10 ms doubling to 1 s), keep serving the open connections.
      log::debug("accept failed",
                 {{"err", ec.message()}, {"retry_in", std::to_string(pause.count()) + "ms"}});
      backoff.expires_after(pause);
      co_await backoff.async_wait(kTuple);
      pause = std::min(pause * 2, std::chrono::milliseconds(1000));
      continue;
    }
    pause = std::chrono::milliseconds(10);
    if (shared->connections >= shared->options.max_connections) {
      log::debug("http connection refused: connection limit reached",
                 {{"limit", std::to_string(shared->options.max_connections)}});
      continue;  // closes it
    }
    asio::co_spawn(acceptor.get_executor(), serve_connection(std::move(socket), shared),
                   log::on_exception("http connection"));
  }
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || port > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(port);
}

}  // namespace

Result<std::vector<tcp::endpoint>> parse_listen_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    return failure(
        fmt::format("listen address \"{}\" has no port; use HOST:PORT or :PORT", address));
  }
  const auto port = parse_port(std::string_view(address).substr(colon + 1));
  if (!port) return failure(fmt::format("listen address \"{}\": the port is not 0-65535", address));
  std::string host = address.substr(0, colon);
  if (host.empty()) return std::vector<tcp::endpoint>{{asio::ip::address_v6::any(), *port}};
  if (host == "localhost") {
    return std::vector<tcp::endpoint>{{asio::ip::address_v4::loopback(), *port},
                                      {asio::ip::address_v6::loopback(), *port}};
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return failure(fmt::format(
        "listen address \"{}\": write an IPv6 address in brackets, [::1]:8461", address));
  }
  asio::error_code ec;
  const auto ip = asio::ip::make_address(host, ec);
  if (ec)
    return failure(
        fmt::format("listen address \"{}\": \"{}\" is not an IP address", address, host));
  return std::vector<tcp::endpoint>{{ip, *port}};
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(asio::any_io_executor executor,
                                                      const std::string& listen_address,
                                                      ServerOptions options, Handler handler) {
  auto endpoints = parse_listen_address(listen_address);
  if (!endpoints) return failure(std::move(endpoints.error()));
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->shared_ = std::make_shared<Shared>(std::move(options), std::move(handler));
  for (auto endpoint : *endpoints) {
    const bool wildcard = endpoint.address() == asio::ip::address_v6::any();
    tcp::acceptor acceptor(executor);
    asio::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (ec && wildcard) {
      // No IPv6 on this machine: every IPv4 address instead.
      endpoint = tcp::endpoint(asio::ip::address_v4::any(), endpoint.port());
      ec.clear();
      acceptor.open(endpoint.protocol(), ec);
    }
    if (!ec && endpoint.address().is_v6()) {
      acceptor.set_option(asio::ip::v6_only(!wildcard), ec);  // ":PORT" serves IPv4 too
    }
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return failure(fmt::format(
          "cannot listen on {} ({}): {}", listen_address,
          endpoint.address().to_string() + ":" + std::to_string(endpoint.port()), ec.message()));
    }
    server->shared_->acceptors.push_back(std::move(acceptor));
  }
  for (auto& acceptor : server->shared_->acceptors) {
    asio::co_spawn(executor, accept_loop(acceptor, server->shared_),
                   log::on_exception("http accept loop"));
  }
  return server;
}

HttpServer::~HttpServer() {
  stop();
}

std::vector<tcp::endpoint> HttpServer::local_endpoints() const {
  std::vector<tcp::endpoint> out;
  for (const auto& acceptor : shared_->acceptors) {
    asio::error_code ec;
    auto endpoint = acceptor.local_endpoint(ec);
    if (!ec) out.push_back(endpoint);
  }
  return out;
}

std::size_t HttpServer::connections() const {
  return shared_->connections;
}

std::size_t HttpServer::response_bytes_held() const {
  return shared_->held_bytes;
}

void HttpServer::stop() {
  if (!shared_ || shared_->stopping) return;
  shared_->stopping = true;
  for (auto& acceptor : shared_->acceptors) {
    asio::error_code ignored;
    acceptor.close(ignored);
  }
}

}  // namespace mtasts::web
