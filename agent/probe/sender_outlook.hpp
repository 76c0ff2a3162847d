/// @file
/// @brief Which policy senders apply to a domain, and whether they would deliver (README,
/// "DANE"): senders that do DANE (RFC 7672; Postfix and Exim with DANE on) and senders that
/// apply MTA-STS (RFC 8461) judge the same MX hosts by different rules, and one can deliver
/// while the other defers. Pure: derived from a checked report's facts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probe/domain_report.hpp"

namespace mtasts::probe {

/// What a sender requires of the MX hosts: DANE (a matching TLSA record), an MTA-STS policy
/// in `enforce` or `testing` mode, or nothing (opportunistic TLS).
enum class SenderPolicy : std::uint8_t { dane, enforce, testing, none };
std::string_view to_string(SenderPolicy policy) noexcept;

enum class Delivery : std::uint8_t { yes, no, unknown };
std::string_view to_string(Delivery delivery) noexcept;

struct SenderView {
  /// None when the lookups that decide it failed (a DNS error, the check's deadline).
  std::optional<SenderPolicy> policy;
  Delivery delivers = Delivery::unknown;
  std::string why;  ///< one sentence for people: what decides `delivers`
};

struct SenderOutlook {
  SenderView mta_sts;              ///< senders that apply MTA-STS policies
  std::optional<SenderView> dane;  ///< senders that do DANE; none when DANE was not checked
};

/// The outlook of an evaluated report; none for a domain that takes no mail (Null MX) or
/// whose MX lookup failed.
std::optional<SenderOutlook> sender_outlook(const DomainReport& report);

/// Whether DANE senders use DANE for `host` (RFC 7672 §2.2): the host's address and TLSA
/// records are DNSSEC-secure, the TLSA RRset is not empty, and the MX RRset is not bogus.
bool dane_applies(const DomainReport& report, const MxHostFacts& host);

}  // namespace mtasts::probe
