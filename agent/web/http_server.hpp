/// @file
/// @brief The daemon's HTTP/1.1 server on the agent's one io_context (plain or TLS). Written
/// on Asio rather than civetweb: Debian 12's civetweb is built without IPv6 and loads
/// libssl.so by its unversioned name (present only with libssl-dev), and its worker threads
/// would need locks around the state that everything else reads on the event loop.
/// Every read has a deadline and a size bound; handlers run on the event loop.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "web/http_request.hpp"

namespace mtasts::web {

struct ServerOptions {
  std::shared_ptr<asio::ssl::context> tls;  ///< null: plain HTTP
  std::size_t max_connections = 512;
  std::chrono::milliseconds request_timeout{30000};  ///< to receive a whole request (and idle)
  std::chrono::milliseconds write_timeout{30000};
  std::size_t max_head_bytes = 16 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t gzip_min_bytes = 1024;  ///< smaller answers are sent as they are
  /// Response bodies that slow readers may hold at once (a buffer shared by many connections
  /// counts once); a response that would pass it is answered 503 instead.
  std::size_t max_response_bytes = 256 * 1024 * 1024;
};

/// Runs on the server's executor; may suspend (basic auth hashes passwords elsewhere).
using Handler = std::function<asio::awaitable<HttpServerResponse>(const HttpRequest& request,
                                                                  std::string_view body)>;

/// The endpoints of a listen address: ":8461" (every address, IPv6 and IPv4), "HOST:PORT"
/// with an IPv4 address, "[IPv6]:PORT", or "localhost:PORT" (127.0.0.1 and ::1).
Result<std::vector<asio::ip::tcp::endpoint>> parse_listen_address(const std::string& address);

class HttpServer {
 public:
  /// Binds and starts accepting; an error message when an address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> start(asio::any_io_executor executor,
                                                   const std::string& listen_address,
                                                   ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The bound endpoints (with the real port when 0 was asked for).
  std::vector<asio::ip::tcp::endpoint> local_endpoints() const;
  /// Stops accepting; open connections end after their current request.
  void stop();
  /// Connections open now, and the bytes of response bodies they hold.
  std::size_t connections() const;
  std::size_t response_bytes_held() const;

  struct Shared;

 private:
  HttpServer() = default;
  std::shared_ptr<Shared> shared_;
};

}  // namespace mtasts::web
