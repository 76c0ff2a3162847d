/// @file
/// @brief What a TLS handshake showed: version, cipher and the peer certificate's facts. Plain
/// data, apart from the code that gathers it (tls_client), so pure code can use it.
#pragma once

#include <memory>
#include <string>

#include "net/certificate.hpp"

namespace mtasts::net {

struct TlsFacts {
  std::string version;  ///< "TLSv1.3"
  std::string cipher;
  CertificateFacts certificate;
  bool has_certificate = false;

  bool operator==(const TlsFacts&) const = default;
};

/// Immutable once made, so equal facts can be one object: a hosting provider's MX
/// certificate, or one MX host over IPv4 and IPv6, is kept once for all the domains the daemon
/// holds (the store interns them).
using SharedTlsFacts = std::shared_ptr<const TlsFacts>;

}  // namespace mtasts::net
