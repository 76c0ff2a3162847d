#include "fake_dns_server.hpp"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/address_v4.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cctype>

namespace mtasts::support {

FakeDnsServer::FakeDnsServer(asio::io_context& io, Responder respond)
    : respond_(std::move(respond)),
      udp_(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      tcp_(io),
      buffer_(65535) {
  // The TCP listener takes the UDP socket's port, as a DNS server has both. That TCP port
  // may be in use (another test's connection got it as its local port): then both move to
  // another port.
  for (int attempt = 0;; ++attempt) {
    const auto port = udp_.local_endpoint().port();
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    tcp_.open(endpoint.protocol());
    tcp_.set_option(asio::socket_base::reuse_address(true));
    std::error_code ec;
    tcp_.bind(endpoint, ec);
    if (!ec) break;
    tcp_.close();
    if (attempt >= 20) throw std::system_error(ec, "bind");
    asio::ip::udp::socket next(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    udp_ = std::move(next);
  }
  tcp_.listen();
  receive_udp();
  accept_tcp();
}

FakeDnsServer::~FakeDnsServer() {
  *alive_ = false;
  std::error_code ignored;
  udp_.close(ignored);
  tcp_.close(ignored);
}

std::string FakeDnsServer::address() const {
  return "127.0.0.1:" + std::to_string(udp_.local_endpoint().port());
}

Bytes FakeDnsServer::reply_with_rcode(const Bytes& query, int rcode) {
  Bytes reply(query.begin(), query.end());
  if (reply.size() < 12) return reply;
  reply[2] = static_cast<unsigned char>(0x80 | (query[2] & 0x01));        // QR, copy RD
  reply[3] = static_cast<unsigned char>(0x80 | (rcode & 0x0F));           // RA, RCODE
  reply[6] = reply[7] = reply[8] = reply[9] = reply[10] = reply[11] = 0;  // no records
  return reply;
}

std::pair<std::string, std::uint16_t> FakeDnsServer::question_of(const Bytes& query) {
  std::string name;
  std::size_t at = 12;
  while (at < query.size() && query[at] != 0) {
    const std::size_t length = query[at];
    if (length > 63 || at + 1 + length > query.size()) return {"", 0};
    if (!name.empty()) name += '.';
    for (std::size_t i = 1; i <= length; ++i) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(query[at + i])));
    }
    at += 1 + length;
  }
  if (at + 3 > query.size()) return {"", 0};
  return {name, static_cast<std::uint16_t>(query[at + 1] << 8 | query[at + 2])};
}

Bytes FakeDnsServer::reply_with_answers(const Bytes& query, const std::vector<Bytes>& rdatas) {
  Bytes reply = reply_with_rcode(query, 0);
  const auto [name, type] = question_of(query);
  if (name.empty() && type == 0) return reply;
  // Only the header and the question: an EDNS OPT record of the query is not echoed.
  std::size_t end = 12;
  while (reply[end] != 0) end += 1u + reply[end];
  reply.resize(end + 5);
  reply[5] = 1;  // QDCOUNT
  reply[7] = static_cast<unsigned char>(rdatas.size());
  for (const auto& rdata : rdatas) {
    const Bytes rr{0xC0,
                   0x0C,  // the question's name
                   static_cast<unsigned char>(type >> 8),
                   static_cast<unsigned char>(type & 0xFF),
                   0,
                   1,  // IN
                   0,
                   0,
                   0,
                   60,  // TTL
                   static_cast<unsigned char>(rdata.size() >> 8),
                   static_cast<unsigned char>(rdata.size() & 0xFF)};
    reply.insert(reply.end(), rr.begin(), rr.end());
    reply.insert(reply.end(), rdata.begin(), rdata.end());
  }
  return reply;
}

Bytes FakeDnsServer::a_rdata(const std::string& ipv4) {
  const auto bytes = asio::ip::make_address_v4(ipv4).to_bytes();
  return Bytes(bytes.begin(), bytes.end());
}

Bytes FakeDnsServer::mx_rdata(std::uint16_t preference, const std::string& host) {
  Bytes out{static_cast<unsigned char>(preference >> 8),
            static_cast<unsigned char>(preference & 0xFF)};
  std::size_t start = 0;
  while (start < host.size()) {
    const std::size_t dot = std::min(host.find('.', start), host.size());
    out.push_back(static_cast<unsigned char>(dot - start));
    out.insert(out.end(), host.begin() + static_cast<std::ptrdiff_t>(start),
               host.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  return out;
}

Bytes FakeDnsServer::txt_rdata(const std::string& text) {
  Bytes out{static_cast<unsigned char>(text.size())};
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

void FakeDnsServer::receive_udp() {
  udp_.async_receive_from(
      asio::buffer(buffer_), peer_, [this, alive = alive_](std::error_code ec, std::size_t n) {
        if (ec || !*alive) return;
        ++queries_;
        const Bytes query(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
        if (auto reply = respond_(query)) {
          std::error_code ignored;
          udp_.send_to(asio::buffer(*reply), peer_, 0, ignored);
        }
        receive_udp();
      });
}

void FakeDnsServer::accept_tcp() {
  tcp_.async_accept([this, alive = alive_](std::error_code ec, asio::ip::tcp::socket socket) {
    if (ec || !*alive) return;
    asio::co_spawn(tcp_.get_executor(), serve_tcp(std::move(socket), alive), asio::detached);
    accept_tcp();
  });
}

// Queries on one TCP connection, each framed by a 2-byte length (RFC 1035 §4.2.2).
asio::awaitable<void> FakeDnsServer::serve_tcp(asio::ip::tcp::socket socket,
                                               std::shared_ptr<bool> alive) {
  auto token = asio::experimental::as_tuple(asio::use_awaitable);
  for (;;) {
    std::array<unsigned char, 2> length{};
    auto [e1, n1] = co_await asio::async_read(socket, asio::buffer(length), token);
    if (e1 || !*alive) co_return;
    Bytes query(static_cast<std::size_t>(length[0] << 8 | length[1]));
    auto [e2, n2] = co_await asio::async_read(socket, asio::buffer(query), token);
    if (e2 || !*alive) co_return;
    ++queries_;
    auto reply = respond_(query);
    if (!reply) {
      // Silence: hold the connection open, as a hung server would, until the test ends.
      asio::steady_timer forever(socket.get_executor(), std::chrono::hours(1));
      co_await forever.async_wait(token);
      co_return;
    }
    const std::array<unsigned char, 2> prefix{static_cast<unsigned char>(reply->size() >> 8),
                                              static_cast<unsigned char>(reply->size() & 0xFF)};
    const std::array<asio::const_buffer, 2> framed{asio::buffer(prefix), asio::buffer(*reply)};
    auto [e3, n3] = co_await asio::async_write(socket, framed, token);
    if (e3) co_return;
  }
}

}  // namespace mtasts::support
