// The daemon's HTTP server over loopback: keep-alive, gzip, limits, timeouts, the connection
// cap and TLS. The server runs on its event loop in a second thread; the test is the client.
#include "web/http_server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>
#include <future>
#include <thread>

#include "common/gzip.hpp"
#include "fake_tcp_server.hpp"
#include "http_client.hpp"

namespace mtasts::web {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

class HttpServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    auto server = HttpServer::start(
        io_.get_executor(), "127.0.0.1:0", std::move(options),
        [this](const HttpRequest& request,
               std::string_view body) -> asio::awaitable<HttpServerResponse> {
          HttpServerResponse response;
          if (request.path == "/shared") {
            response.shared_body = shared_body_;
            co_return response;
          }
          if (request.path == "/huge") {
            response.body.assign(kHuge, 'h');
            co_return response;
          }
          response.body = request.method + " " + request.path + " " + std::string(body) + "\n";
          if (request.path == "/big") response.body.append(100000, 'x');
          co_return response;
        });
    ASSERT_TRUE(server.has_value()) << server.error();
    server_ = std::move(server.value());
    port_ = server_->local_endpoints().at(0).port();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  /// Sends raw bytes on one connection and returns everything read until the server closes
  /// it (or 5 s pass).
  std::string exchange(const std::string& bytes, std::chrono::milliseconds pause = 0ms) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return "";
    std::this_thread::sleep_for(pause);
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    std::string out;
    char buffer[65536];
    ssize_t n = 0;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0)
      out.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    return out;
  }

  /// Connects with a tiny receive buffer, sends `bytes` and reads nothing: a slow reader.
  int slow_reader(const std::string& bytes) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return -1;
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    return fd;
  }
  /// A figure read on the server's thread.
  std::size_t on_server(std::function<std::size_t()> read) {
    std::promise<std::size_t> value;
    asio::post(io_, [&] { value.set_value(read()); });
    return value.get_future().get();
  }
  /// Waits (up to 5 s) until the server holds `bytes` of response bodies.
  bool wait_for_held(std::size_t bytes) {
    return eventually([&] { return server_->response_bytes_held() == bytes; });
  }

  bool wait_for_connections(std::size_t count) {
    return eventually([&] { return server_->connections() == count; });
  }

  /// Polls `condition` on the server's thread until it holds (true) or 5 s pass (false).
  template <class Condition>
  bool eventually(Condition condition) {
    for (int i = 0; i < 500; ++i) {
      if (on_server(condition)) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  static constexpr std::size_t kHuge = 16 * 1024 * 1024;  // more than the socket buffers take
  std::shared_ptr<const std::string> shared_body_ = std::make_shared<const std::string>(kHuge, 's');
  asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  const std::string out = exchange(
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n"
      "bodyGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(out, HasSubstr("GET /a \n"));
  EXPECT_THAT(out, HasSubstr("POST /b body\n"));
  EXPECT_THAT(out, HasSubstr("GET /c \n"));
  EXPECT_THAT(out, HasSubstr("Connection: close"));
}

TEST_F(HttpServerTest, GzipWhenAskedAndLargeEnough) {
  start();
  const auto plain = support::http_request("127.0.0.1", port_, "GET", "/big");
  EXPECT_FALSE(plain.response.header("content-encoding"));
  const auto gz =
      support::http_request("127.0.0.1", port_, "GET", "/big", {"Accept-Encoding: gzip"});
  ASSERT_EQ(gz.response.header("content-encoding"), "gzip");
  EXPECT_LT(gz.response.body.size(), 2000u);
  EXPECT_EQ(gzip_decompress(gz.response.body, 1 << 20), plain.response.body);
  const auto small =
      support::http_request("127.0.0.1", port_, "GET", "/s", {"Accept-Encoding: gzip"});
  EXPECT_FALSE(small.response.header("content-encoding"));  // not worth it
}

TEST_F(HttpServerTest, HeadSendsNoBody) {
  start();
  const std::string out = exchange("HEAD /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(out, HasSubstr("Content-Length: 100011"));
  EXPECT_EQ(out.find("xxxx"), std::string::npos);
}

TEST_F(HttpServerTest, LimitsAnswerWithTheRightStatus) {
  ServerOptions options;
  options.max_head_bytes = 1024;
  options.max_body_bytes = 10;
  start(options);
  EXPECT_THAT(exchange("GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(2000, 'a') + "\r\n\r\n"),
              StartsWith("HTTP/1.1 431 "));
  EXPECT_THAT(exchange("\x16\x03\x01 hello\r\n\r\n"), StartsWith("HTTP/1.1 400 "));
  EXPECT_THAT(exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"),
              StartsWith("HTTP/1.1 413 "));
  EXPECT_THAT(exchange("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"),
              StartsWith("HTTP/1.1 501 "));
}

TEST_F(HttpServerTest, SilentClientsAreDisconnected) {
  ServerOptions options;
  options.request_timeout = 200ms;
  start(options);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(exchange("GET / HTTP/1.1\r\n"), "");  // never finishes its head
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
}

TEST_F(HttpServerTest, ConnectionsAboveTheCapAreClosed) {
  ServerOptions options;
  options.max_connections = 1;
  start(options);
  const int idle = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port_);
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  ASSERT_EQ(::connect(idle, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_TRUE(wait_for_connections(1));  // accepted and counted
  EXPECT_EQ(exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), "");
  ::close(idle);
  ASSERT_TRUE(wait_for_connections(0));
  EXPECT_THAT(exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
              StartsWith("HTTP/1.1 200 "));
}

// Slow readers of big answers: a buffer that many connections send counts once, and an
// answer that would pass the budget is a 503, not more memory.
TEST_F(HttpServerTest, UnreadResponsesAreBoundedInMemory) {
  ServerOptions options;
  options.max_response_bytes = kHuge + kHuge / 2;
  start(options);
  const std::string shared = "GET /shared HTTP/1.1\r\nHost: x\r\n\r\n";
  const int first = slow_reader(shared);
  ASSERT_TRUE(wait_for_held(kHuge));
  const int second = slow_reader(shared);  // the same buffer: no more memory
  EXPECT_TRUE(wait_for_connections(2));
  EXPECT_EQ(on_server([this] { return server_->response_bytes_held(); }), kHuge);
  // A body of its own would pass the budget: refused, and the held memory stays.
  EXPECT_THAT(exchange("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n"),
              StartsWith("HTTP/1.1 503 Service Unavailable"));
  EXPECT_EQ(on_server([this] { return server_->response_bytes_held(); }), kHuge);
  ::close(first);
  ::close(second);
  ASSERT_TRUE(wait_for_held(0));
  const std::string huge = exchange("GET /huge HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(huge, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_EQ(huge.size() - huge.find("\r\n\r\n") - 4, kHuge);
}

TEST_F(HttpServerTest, ServesOverTls) {
  ServerOptions options;
  options.tls = support::self_signed_server_context("agent.test", TLS1_2_VERSION, TLS1_3_VERSION);
  start(options);
  asio::io_context client_io;
  asio::ssl::context client_tls(asio::ssl::context::tls_client);
  asio::ssl::stream<asio::ip::tcp::socket> stream(client_io, client_tls);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port_});
  stream.handshake(asio::ssl::stream_base::client);
  const std::string request = "GET /secure HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(stream, asio::buffer(request));
  std::string out;
  asio::error_code ec;
  asio::read(stream, asio::dynamic_buffer(out), ec);
  EXPECT_THAT(out, StartsWith("HTTP/1.1 200 "));
  EXPECT_THAT(out, HasSubstr("GET /secure"));
  // Plain HTTP to a TLS port gets nothing useful, and the server keeps serving.
  EXPECT_THAT(exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), ::testing::Not(HasSubstr("200 OK")));
}

TEST_F(HttpServerTest, BindErrorsAreMessages) {
  start();
  auto second = HttpServer::start(
      io_.get_executor(), "127.0.0.1:" + std::to_string(port_), {},
      [](const HttpRequest&, std::string_view) -> asio::awaitable<HttpServerResponse> {
        co_return HttpServerResponse{};
      });
  ASSERT_FALSE(second.has_value());
  EXPECT_THAT(second.error(), HasSubstr("cannot listen on 127.0.0.1:"));
}

}  // namespace
}  // namespace mtasts::web
