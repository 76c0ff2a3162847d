/// @file
/// @brief Which addresses are not public Internet addresses (RFC 6890 special-purpose
/// registries): what `deny_private_addresses` refuses, so customer-supplied domains cannot
/// point the agent at its own network.
#pragma once

#include <asio/ip/address.hpp>

namespace mtasts::net {

/// Loopback, "this network", RFC 1918, shared (CGNAT), link-local, site-local, ULA,
/// multicast, benchmarking, IETF-assigned, reserved and broadcast addresses, Teredo, local-use
/// NAT64 and IPv4-compatible IPv6; IPv4-mapped, NAT64 (64:ff9b::/96) and 6to4 addresses are
/// judged by the IPv4 address they carry.
bool is_private_address(const asio::ip::address& address) noexcept;

}  // namespace mtasts::net
