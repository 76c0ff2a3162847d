// Servers for the lab that misbehave on purpose, where no real server would:
//   --hang ADDRESS:PORT      accepts connections and never says anything (policy_timeout)
//   --old-tls ADDRESS:PORT CERT KEY
//                            SMTP that offers STARTTLS but speaks only TLS 1.0
//                            (mx_tls_version_old)
//   --bad-tls ADDRESS:PORT   SMTP that offers STARTTLS, then answers the handshake with
//                            garbage (mx_tls_failed)
//   --smtp-endless ADDRESS:PORT   a greeting of endless "220-" lines
//   --smtp-slow ADDRESS:PORT      a greeting sent one byte a second (slowloris)
//   --https MODE ADDRESS:PORT CERT KEY
//                            a policy host over TLS that answers badly, MODE one of: slow (a
//                            byte a second), endless-headers, huge-body (10 MB)
//   --dns-garbage ADDRESS:PORT    UDP DNS that answers every query with garbage
// Each option may be repeated. Runs until killed; started by tests/lab/lab.sh.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/read_until.hpp>
#include <asio/ssl.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using asio::ip::tcp;
constexpr auto kToken = asio::experimental::as_tuple(asio::use_awaitable);

tcp::endpoint parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  std::string host = text.substr(0, colon);
  if (host.starts_with('[')) host = host.substr(1, host.size() - 2);
  return {asio::ip::make_address(host),
          static_cast<unsigned short>(std::stoi(text.substr(colon + 1)))};
}

asio::awaitable<void> hang(tcp::socket socket) {
  std::array<char, 512> sink{};
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), kToken);
    if (ec) co_return;
  }
}

asio::awaitable<bool> say(tcp::socket& socket, const std::string& text) {
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(text), kToken);
  co_return !ec;
}

asio::awaitable<std::string> line(tcp::socket& socket, std::string& buffer) {
  auto [ec, n] =
      co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer, 4096), '\n', kToken);
  if (ec) co_return std::string();
  std::string out = buffer.substr(0, n);
  buffer.erase(0, n);
  co_return out;
}

asio::awaitable<void> old_tls_smtp(tcp::socket socket, asio::ssl::context& tls) {
  std::string buffer;
  if (!co_await say(socket, "220 oldtls.lab.test ESMTP\r\n")) co_return;
  for (;;) {
    const std::string command = co_await line(socket, buffer);
    if (command.empty()) co_return;
    if (command.starts_with("EHLO") || command.starts_with("ehlo")) {
      if (!co_await say(socket, "250-oldtls.lab.test\r\n250 STARTTLS\r\n")) co_return;
    } else if (command.starts_with("STARTTLS")) {
      if (!co_await say(socket, "220 2.0.0 go ahead\r\n")) co_return;
      asio::ssl::stream<tcp::socket&> stream(socket, tls);
      auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kToken);
      if (ec) co_return;
      std::array<char, 512> in{};
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(in), kToken);  // QUIT
      if (rec) co_return;
      const std::string bye = "221 2.0.0 bye\r\n";
      co_await asio::async_write(stream, asio::buffer(bye), kToken);
      co_return;
    } else {
      if (!co_await say(socket, "221 2.0.0 bye\r\n")) co_return;
      co_return;
    }
  }
}

asio::awaitable<void> bad_tls_smtp(tcp::socket socket) {
  std::string buffer;
  if (!co_await say(socket, "220 badtls.lab.test ESMTP\r\n")) co_return;
  for (;;) {
    const std::string command = co_await line(socket, buffer);
    if (command.empty()) co_return;
    if (command.starts_with("EHLO") || command.starts_with("ehlo")) {
      if (!co_await say(socket, "250-badtls.lab.test\r\n250 STARTTLS\r\n")) co_return;
    } else if (command.starts_with("STARTTLS")) {
      if (!co_await say(socket, "220 2.0.0 go ahead\r\n")) co_return;
      co_await line(socket, buffer);  // the ClientHello, or some of it
      co_await say(socket, "this is not TLS\r\n");
      co_return;
    } else {
      co_await say(socket, "221 2.0.0 bye\r\n");
      co_return;
    }
  }
}

asio::awaitable<void> pause(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(kToken);
}

/// Writes `text` one byte at a time, a second apart.
template <class Stream>
asio::awaitable<void> trickle(Stream& stream, const std::string& text) {
  for (char c : text) {
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(&c, 1), kToken);
    if (ec) co_return;
    co_await pause(std::chrono::seconds(1));
  }
}

/// Writes `piece` again and again until the peer goes away.
template <class Stream>
asio::awaitable<void> endless(Stream& stream, const std::string& piece) {
  std::string block;
  while (block.size() < 16384) block += piece;
  for (;;) {
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(block), kToken);
    if (ec) co_return;
  }
}

asio::awaitable<void> endless_smtp(tcp::socket socket) {
  co_await endless(socket, "220-endless.lab.test a greeting that never ends\r\n");
}

asio::awaitable<void> slow_smtp(tcp::socket socket) {
  co_await trickle(socket, "220 slow.lab.test ESMTP\r\n");
  co_await hang(std::move(socket));
}

asio::awaitable<void> bad_https(tcp::socket socket, asio::ssl::context& tls, std::string mode) {
  asio::ssl::stream<tcp::socket> stream(std::move(socket), tls);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kToken);
  if (ec) co_return;
  std::string request;
  auto [rec, n] = co_await asio::async_read_until(stream, asio::dynamic_buffer(request, 16384),
                                                  "\r\n\r\n", kToken);
  if (rec) co_return;
  if (mode == "slow") {
    co_await trickle(stream,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nversion: STSv1\r\n");
  } else if (mode == "endless-headers") {
    const std::string status = "HTTP/1.1 200 OK\r\n";
    co_await asio::async_write(stream, asio::buffer(status), kToken);
    co_await endless(stream, "X-Endless: header after header\r\n");
  } else {  // huge-body: 10 MB, more than any policy may be
    const std::size_t size = 10 * 1024 * 1024;
    const std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(size) +
        "\r\n\r\nversion: STSv1\r\n";
    co_await asio::async_write(stream, asio::buffer(head), kToken);
    std::string block;
    while (block.size() < 65536) block += "mx: filler.example\r\n";
    for (std::size_t sent = 0; sent < size; sent += block.size()) {
      auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(block), kToken);
      if (wec) co_return;
    }
  }
}

/// Answers every UDP query with garbage: random bytes, the query cut short, or its ID and
/// a header that promises records it does not carry.
asio::awaitable<void> garbage_dns(asio::ip::udp::endpoint endpoint) {
  asio::ip::udp::socket socket(co_await asio::this_coro::executor, endpoint);
  std::array<unsigned char, 512> query{};
  unsigned round = 0;
  for (;;) {
    asio::ip::udp::endpoint from;
    auto [ec, n] = co_await socket.async_receive_from(asio::buffer(query), from, kToken);
    if (ec || n < 12) continue;
    std::vector<unsigned char> answer;
    switch (round++ % 3) {
      case 0:
        for (unsigned i = 0; i < 40; ++i)
          answer.push_back(static_cast<unsigned char>(i * 37 + round));
        break;
      case 1:
        answer.assign(query.begin(), query.begin() + static_cast<std::ptrdiff_t>(n / 2));
        break;
      default:
        answer.assign(query.begin(), query.begin() + 12);
        answer[2] = 0x81;  // a response
        answer[7] = 9;     // nine answers, none present
        break;
    }
    co_await socket.async_send_to(asio::buffer(answer), from, kToken);
  }
}

template <class Serve>
asio::awaitable<void> listen(tcp::endpoint endpoint, Serve serve) {
  auto executor = co_await asio::this_coro::executor;
  tcp::acceptor acceptor(executor, endpoint);
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kToken);
    if (ec) continue;
    asio::co_spawn(executor, serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  asio::io_context io(1);
  std::vector<std::unique_ptr<asio::ssl::context>> contexts;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string option = argv[i];
      if (option == "--hang" && i + 1 < argc) {
        asio::co_spawn(
            io, listen(parse_endpoint(argv[++i]), [](tcp::socket s) { return hang(std::move(s)); }),
            asio::detached);
      } else if (option == "--bad-tls" && i + 1 < argc) {
        asio::co_spawn(io,
                       listen(parse_endpoint(argv[++i]),
                              [](tcp::socket s) { return bad_tls_smtp(std::move(s)); }),
                       asio::detached);
      } else if (option == "--old-tls" && i + 3 < argc) {
        const auto endpoint = parse_endpoint(argv[++i]);
        auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
        SSL_CTX_set_security_level(tls->native_handle(),
                                   0);  // OpenSSL 3 offers TLS 1.0 only at level 0
        SSL_CTX_set_cipher_list(tls->native_handle(), "DEFAULT:@SECLEVEL=0");
        SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_VERSION);
        SSL_CTX_set_max_proto_version(tls->native_handle(), TLS1_VERSION);
        tls->use_certificate_chain_file(argv[++i]);
        tls->use_private_key_file(argv[++i], asio::ssl::context::pem);
        auto* context = tls.get();
        contexts.push_back(std::move(tls));
        asio::co_spawn(
            io,
            listen(endpoint,
                   [context](tcp::socket s) { return old_tls_smtp(std::move(s), *context); }),
            asio::detached);
      } else if (option == "--smtp-endless" && i + 1 < argc) {
        asio::co_spawn(io,
                       listen(parse_endpoint(argv[++i]),
                              [](tcp::socket s) { return endless_smtp(std::move(s)); }),
                       asio::detached);
      } else if (option == "--smtp-slow" && i + 1 < argc) {
        asio::co_spawn(io,
                       listen(parse_endpoint(argv[++i]),
                              [](tcp::socket s) { return slow_smtp(std::move(s)); }),
                       asio::detached);
      } else if (option == "--https" && i + 4 < argc) {
        const std::string mode = argv[++i];
        const auto endpoint = parse_endpoint(argv[++i]);
        auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
        tls->use_certificate_chain_file(argv[++i]);
        tls->use_private_key_file(argv[++i], asio::ssl::context::pem);
        auto* context = tls.get();
        contexts.push_back(std::move(tls));
        asio::co_spawn(io,
                       listen(endpoint,
                              [context, mode](tcp::socket s) {
                                return bad_https(std::move(s), *context, mode);
                              }),
                       asio::detached);
      } else if (option == "--dns-garbage" && i + 1 < argc) {
        const auto endpoint = parse_endpoint(argv[++i]);
        asio::co_spawn(io, garbage_dns({endpoint.address(), endpoint.port()}), asio::detached);
      } else {
        std::fprintf(stderr,
                     "usage: %s [--hang ADDR:PORT]... [--bad-tls ADDR:PORT]... [--old-tls "
                     "ADDR:PORT CERT KEY]... [--smtp-endless ADDR:PORT]... [--smtp-slow "
                     "ADDR:PORT]... [--https slow|endless-headers|huge-body ADDR:PORT CERT "
                     "KEY]... [--dns-garbage ADDR:PORT]...\n",
                     argv[0]);
        return 2;
      }
    }
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "misbehaving_servers: %s\n", e.what());
    return 1;
  }
  return 0;
}
