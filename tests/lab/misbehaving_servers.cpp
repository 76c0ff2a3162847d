// Servers for the lab that misbehave on purpose, where no real server would:
//   --hang ADDRESS:PORT      accepts connections and never says anything (policy_timeout)
//   --old-tls ADDRESS:PORT CERT KEY
//                            SMTP that offers STARTTLS but speaks only TLS 1.0
//                            (mx_tls_version_old)
//   --bad-tls ADDRESS:PORT   SMTP that offers STARTTLS, then answers the handshake with
//                            garbage (mx_tls_failed)
// Each option may be repeated. Runs until killed; started by tests/lab/lab.sh.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/ssl.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
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
      } else {
        std::fprintf(stderr,
                     "usage: %s [--hang ADDR:PORT]... [--bad-tls ADDR:PORT]... [--old-tls "
                     "ADDR:PORT CERT KEY]...\n",
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
