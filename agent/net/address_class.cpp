#include "net/address_class.hpp"

#include <cstdint>

namespace mtasts::net {
namespace {

bool in(std::uint32_t address, std::uint32_t network, int prefix) {
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (address & mask) == network;
}

bool is_private_v4(const asio::ip::address_v4& v4) {
  const std::uint32_t a = v4.to_uint();
  return in(a, 0x00000000, 8)      // 0.0.0.0/8 "this network"
         || in(a, 0x0A000000, 8)   // 10/8
         || in(a, 0x64400000, 10)  // 100.64/10 shared address space
         || in(a, 0x7F000000, 8)   // 127/8 loopback
         || in(a, 0xA9FE0000, 16)  // 169.254/16 link-local
         || in(a, 0xAC100000, 12)  // 172.16/12
         || in(a, 0xC0000000, 24)  // 192.0.0/24 IETF protocol assignments
         || in(a, 0xC0A80000, 16)  // 192.168/16
         || in(a, 0xC6120000, 15)  // 198.18/15 benchmarking
         || in(a, 0xE0000000, 4)   // 224/4 multicast
         || in(a, 0xF0000000, 4);  // 240/4 reserved, and the broadcast address
}

/// The IPv4 address in bytes [at, at + 4) of an IPv6 address.
asio::ip::address_v4 embedded_v4(const asio::ip::address_v6::bytes_type& b, std::size_t at) {
  return asio::ip::address_v4({b[at], b[at + 1], b[at + 2], b[at + 3]});
}

bool starts_with(const asio::ip::address_v6::bytes_type& b,
                 std::initializer_list<std::uint8_t> prefix) {
  std::size_t i = 0;
  for (auto byte : prefix) {
    if (b[i++] != byte) return false;
  }
  return true;
}

}  // namespace

bool is_private_address(const asio::ip::address& address) noexcept {
  if (address.is_v4()) return is_private_v4(address.to_v4());
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return is_private_v4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6));
  const auto b = v6.to_bytes();
  // Addresses that carry an IPv4 address reach it: judge that one.
  if (starts_with(b, {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
    return is_private_v4(embedded_v4(b, 12));  // 64:ff9b::/96 NAT64 (RFC 6052)
  }
  if (starts_with(b, {0x20, 0x02})) return is_private_v4(embedded_v4(b, 2));  // 2002::/16 6to4
  return v6.is_unspecified() || v6.is_loopback() || v6.is_multicast() ||
         starts_with(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})  // ::/96 IPv4-compatible
         || starts_with(b, {0, 0x64, 0xff, 0x9b, 0, 0x01})     // 64:ff9b:1::/48 local NAT64
         || starts_with(b, {0x20, 0x01, 0, 0})                 // 2001::/32 Teredo
         || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)            // fe80::/10 link-local
         || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)            // fec0::/10 site-local
         || (b[0] & 0xfe) == 0xfc;                             // fc00::/7 unique local
}

}  // namespace mtasts::net
