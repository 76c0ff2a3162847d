// The policy fetch against HTTPS servers that misbehave on purpose: a handshake that never
// ends, a byte at a time, endless headers, garbage instead of HTTP, a body that never ends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <asio/experimental/as_tuple.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "fake_tcp_server.hpp"
#include "net/policy_fetch.hpp"
#include "run_awaitable.hpp"

namespace mtasts::net {
namespace {

using namespace std::chrono_literals;
using mtasts::support::FakeTcpServer;
using mtasts::support::hang;
using mtasts::support::run_awaitable;
using Socket = asio::ip::tcp::socket;
using TlsServer = asio::ssl::stream<Socket&>;

class FetchAgainstFakes : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = (make_tls_context({})).value();
    server_tls_ = mtasts::support::self_signed_server_context("mta-sts.fake.test", TLS1_2_VERSION,
                                                              TLS1_3_VERSION);
  }

  PolicyFetch fetch(FakeTcpServer& server, std::chrono::milliseconds timeout = 1s) {
    FetchOptions options;
    options.timeout = timeout;
    return run_awaitable<PolicyFetch>(io_, [&]() {
      return fetch_policy(*context_, "mta-sts.fake.test", server.endpoint(), options);
    });
  }

  /// A script that completes the TLS handshake, reads the request, then runs `then`.
  template <class Then>
  FakeTcpServer::Script after_handshake(Then then) {
    return [tls = server_tls_, then](Socket s) -> asio::awaitable<void> {
      TlsServer stream(s, *tls);
      auto [ec] = co_await stream.async_handshake(
          asio::ssl::stream_base::server, asio::experimental::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      std::array<char, 4096> request{};
      auto [rec, n] = co_await stream.async_read_some(
          asio::buffer(request), asio::experimental::as_tuple(asio::use_awaitable));
      if (rec) co_return;
      co_await then(stream);
    };
  }

  asio::io_context io_;
  std::shared_ptr<asio::ssl::context> context_;
  std::shared_ptr<asio::ssl::context> server_tls_;
};

asio::awaitable<bool> write(TlsServer& stream, std::string text) {
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(text),
                                            asio::experimental::as_tuple(asio::use_awaitable));
  co_return !ec;
}

TEST_F(FetchAgainstFakes, HandshakeThatNeverEndsTimesOutAtTls) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> { co_await hang(s); });
  const PolicyFetch f = fetch(server);
  EXPECT_EQ(f.error, FetchError::timeout);
  EXPECT_EQ(f.stage, FetchStage::tls);
  EXPECT_LT(f.seconds, 3.0);
}

TEST_F(FetchAgainstFakes, ServerThatNeverAnswersTheRequestTimesOutAtHttp) {
  FakeTcpServer server(io_, after_handshake([](TlsServer& stream) -> asio::awaitable<void> {
                         co_await hang(stream.next_layer());
                       }));
  const PolicyFetch f = fetch(server);
  EXPECT_EQ(f.error, FetchError::timeout);
  EXPECT_EQ(f.stage, FetchStage::http);
  ASSERT_TRUE(f.tls);  // what the handshake showed is kept
  EXPECT_THAT(f.tls->certificate.problems, ::testing::Contains(CertProblem::untrusted));
}

TEST_F(FetchAgainstFakes, AByteAtATimeHitsTheDeadline) {
  FakeTcpServer server(io_, after_handshake([](TlsServer& stream) -> asio::awaitable<void> {
                         const std::string answer =
                             "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" +
                             std::string(1000, 'x');
                         for (char c : answer) {
                           if (!co_await write(stream, std::string(1, c))) co_return;
                           asio::steady_timer pause(stream.get_executor(), 200ms);
                           co_await pause.async_wait(asio::use_awaitable);
                         }
                       }));
  const PolicyFetch f = fetch(server);
  EXPECT_EQ(f.error, FetchError::timeout);
  EXPECT_LT(f.seconds, 3.0);
}

TEST_F(FetchAgainstFakes, EndlessHeadersAreCut) {
  FakeTcpServer server(io_, after_handshake([](TlsServer& stream) -> asio::awaitable<void> {
                         if (!co_await write(stream, "HTTP/1.1 200 OK\r\n")) co_return;
                         for (int i = 0; i < 100000; ++i) {
                           if (!co_await write(stream, "X-Filler-" + std::to_string(i) + ": " +
                                                           std::string(100, 'y') + "\r\n"))
                             co_return;
                         }
                       }));
  const PolicyFetch f = fetch(server, 5s);
  EXPECT_EQ(f.error, FetchError::http_malformed);
  EXPECT_THAT(f.detail, ::testing::AnyOf(::testing::HasSubstr("headers_too_large"),
                                         ::testing::HasSubstr("too_many_headers")));
}

TEST_F(FetchAgainstFakes, EndlessBodyIsCutAt64KiB) {
  FakeTcpServer server(
      io_, after_handshake([](TlsServer& stream) -> asio::awaitable<void> {
        if (!co_await write(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"))
          co_return;
        const std::string chunk(16384, 'z');
        for (int i = 0; i < 100000; ++i) {
          if (!co_await write(stream, chunk)) co_return;
        }
      }));
  const PolicyFetch f = fetch(server, 5s);
  EXPECT_EQ(f.error, FetchError::body_too_large);
  ASSERT_TRUE(f.response);
  EXPECT_EQ(f.response->body.size(), 64u * 1024u);
}

TEST_F(FetchAgainstFakes, GarbageInsteadOfHttp) {
  FakeTcpServer server(io_, after_handshake([](TlsServer& stream) -> asio::awaitable<void> {
                         co_await write(stream, "220 this is an SMTP server\r\n");
                       }));
  const PolicyFetch f = fetch(server);
  EXPECT_EQ(f.error, FetchError::http_malformed);
}

TEST_F(FetchAgainstFakes, PlainTextInsteadOfTls) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> {
    co_await mtasts::support::send_text(s, "HTTP/1.1 400 Bad Request\r\n\r\nplain HTTP on 443\r\n");
  });
  const PolicyFetch f = fetch(server);
  EXPECT_EQ(f.error, FetchError::tls_failed);
  EXPECT_FALSE(f.detail.empty());
}

}  // namespace
}  // namespace mtasts::net
