/// @file
/// @brief "host:port" as an operator writes it for an egress canary: a host name, an IPv4
/// address, or a bracketed IPv6 address, then ':' and a port.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace mtasts {

struct HostPort {
  std::string host;  ///< a lower-case host name or an IP address (without brackets)
  std::uint16_t port = 0;
};

/// Parses "name:port", "192.0.2.1:port" or "[2001:db8::1]:port"; the port is required.
Result<HostPort> parse_host_port(std::string_view text);

}  // namespace mtasts
