/// @file
/// @brief A server's certificate chain judged against TLSA records the way a sender that does
/// DANE for SMTP judges it (RFC 7672 §3, RFC 7671 §5), with OpenSSL's DANE support: no network,
/// so the same code serves the STARTTLS probe (the chain it was sent) and `lint tlsa` (a chain
/// from a file).
#pragma once

#include <openssl/x509.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dane/tlsa_record.hpp"

namespace mtasts::dane {

struct DaneOutcome {
  bool matched = false;  ///< a usable record matched and the chain passed DANE's checks
  /// When not matched: OpenSSL's verification error (X509_V_ERR_*; 0 when no record was
  /// usable) and its text.
  long error = 0;
  std::string error_text = {};
  int depth = -1;  ///< of the certificate that matched (0: the server's own)
  std::optional<TlsaRecord> matched_record = {};  ///< the record that matched
};

/// Verifies `chain` (the server's certificate first, then the chain it sent) against the
/// usable records of `records`, as a DANE sender does: DANE-EE(3) matches the server's
/// certificate or key and ignores its names and dates (RFC 7672 §3.1.1); DANE-TA(2) needs a
/// chain from the server's certificate to the matched trust anchor, valid dates, and a
/// certificate name among `names` (the MX host, and the names it was reached by; RFC 7672
/// §3.2.2). Records that are not usable (see unusable_reason) are ignored, as senders do.
DaneOutcome verify_chain(std::span<X509* const> chain, std::span<const TlsaRecord> records,
                         std::span<const std::string> names);

}  // namespace mtasts::dane
