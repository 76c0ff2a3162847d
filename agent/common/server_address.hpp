/// @file
/// @brief A DNS server as an operator writes it (config `dns_servers`, `--dns-server`): an IP
/// address with an optional port.
#pragma once

#include <asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace mtasts {

struct ServerAddress {
  std::string ares_form;     ///< "IP:PORT" or "[IPv6]:PORT", as ares_set_servers_ports_csv takes
  std::string unbound_form;  ///< "IP@PORT", as libunbound's ub_ctx_set_fwd takes
  asio::ip::address address;
  std::uint16_t port = 53;
};

/// Parses "IP", "IP:PORT", "[IPv6]", "[IPv6]:PORT" or a bare IPv6 address (port 53).
Result<ServerAddress> parse_server_address(std::string_view text);

/// The same for a resolver whose AD bit is trusted (dane_resolver, --dane-resolver): only a
/// loopback address, as an AD bit is only as good as the path it came over (RFC 6698 §4.1).
Result<ServerAddress> parse_trusted_resolver_address(std::string_view text);

}  // namespace mtasts
