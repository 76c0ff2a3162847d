// A DNS server on loopback for what no real server does on purpose: stay silent, answer
// garbage, or answer with a chosen RCODE. Serves UDP and TCP on the same port, on the
// io_context of the test.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mtasts::support {

using Bytes = std::vector<unsigned char>;

class FakeDnsServer {
 public:
  /// `respond` gets each query and returns the reply bytes, or nullopt to stay silent.
  using Responder = std::function<std::optional<Bytes>(const Bytes& query)>;

  FakeDnsServer(asio::io_context& io, Responder respond);
  ~FakeDnsServer();

  /// "127.0.0.1:PORT", for ResolverOptions::servers.
  std::string address() const;
  int queries() const { return queries_; }

  /// A reply header for `query` with `rcode` and no records (NXDOMAIN = 3, SERVFAIL = 2).
  static Bytes reply_with_rcode(const Bytes& query, int rcode);

  /// The question of `query`: its name (lower case, no trailing dot) and type (A = 1,
  /// MX = 15, TXT = 16, AAAA = 28); an empty name when the query is malformed.
  static std::pair<std::string, std::uint16_t> question_of(const Bytes& query);
  /// A NOERROR reply to `query` with one answer per rdata, each of the question's name and
  /// type (none: NODATA).
  static Bytes reply_with_answers(const Bytes& query, const std::vector<Bytes>& rdatas);
  static Bytes a_rdata(const std::string& ipv4);
  static Bytes mx_rdata(std::uint16_t preference, const std::string& host);
  static Bytes txt_rdata(const std::string& text);  ///< one string of at most 255 bytes

 private:
  void receive_udp();
  void accept_tcp();
  asio::awaitable<void> serve_tcp(asio::ip::tcp::socket socket, std::shared_ptr<bool> alive);

  Responder respond_;
  asio::ip::udp::socket udp_;
  asio::ip::tcp::acceptor tcp_;
  asio::ip::udp::endpoint peer_;
  Bytes buffer_;
  int queries_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace mtasts::support
