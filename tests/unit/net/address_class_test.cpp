// Which addresses deny_private_addresses refuses (RFC 6890 special-purpose addresses).
#include "net/address_class.hpp"

#include <gtest/gtest.h>

namespace mtasts::net {
namespace {

bool is_private(const char* text) {
  return is_private_address(asio::ip::make_address(text));
}

TEST(AddressClass, PrivateAndLocalAddresses) {
  for (const char* a :
       {"0.0.0.0", "10.1.2.3", "100.64.0.1", "100.127.255.254", "127.0.0.53", "169.254.169.254",
        "172.16.0.1", "172.31.255.255", "192.168.1.1", "224.0.0.1", "255.255.255.255", "::", "::1",
        "fe80::1", "febf::1", "fc00::1", "fd00:6d74:7374::80", "ff02::1", "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        // Ranges that were missed once (each reaches a private network):
        "192.0.0.8",            // IETF protocol assignments
        "198.18.0.1",           // benchmarking
        "198.19.255.254",       //
        "64:ff9b::10.0.0.1",    // NAT64 of a private IPv4 address
        "64:ff9b::127.0.0.1",   //
        "64:ff9b:1::8.8.8.8",   // local-use NAT64 (RFC 8215)
        "::10.0.0.1",           // IPv4-compatible (deprecated)
        "::8.8.8.8",            //
        "2002:0a00:0001::1",    // 6to4 of 10.0.0.1
        "2002:c0a8:0101::1",    // 6to4 of 192.168.1.1
        "2001:0:4136:e378::1",  // Teredo
        "fec0::1",              // site-local (deprecated)
        "feff::1"}) {
    EXPECT_TRUE(is_private(a)) << a;
  }
}

TEST(AddressClass, PublicAddresses) {
  for (const char* a :
       {"1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "172.15.255.255",
        "172.32.0.0", "192.0.2.1", "192.169.0.1", "223.255.255.255", "2001:db8::1", "2a00:1450::1",
        "::ffff:8.8.8.8", "198.17.255.255", "198.20.0.0", "192.0.1.255",
        "64:ff9b::8.8.8.8",   // NAT64 of a public address
        "2002:0808:0808::1",  // 6to4 of 8.8.8.8
        "2001:1::1"}) {
    EXPECT_FALSE(is_private(a)) << a;
  }
}

}  // namespace
}  // namespace mtasts::net
