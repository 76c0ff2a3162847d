/// @file
/// @brief Which addresses are not public Internet addresses (RFC 6890 special-purpose
/// registries): what `deny_private_addresses` refuses, so customer-supplied domains cannot
/// point the agent at its own network.
#pragma once

#include <asio/ip/address.hpp>

namespace mtasts::net {

/// Loopback, "this network", RFC 1918, shared (CGNAT), link-local, ULA, multicast, reserved
/// and broadcast addresses; IPv4-mapped IPv6 addresses are judged by their IPv4 address.
bool is_private_address(const asio::ip::address& address) noexcept;

}  // namespace mtasts::net
