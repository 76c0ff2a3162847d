/// @file
/// @brief TLSA records (RFC 6698 §2) as DANE for SMTP reads them (RFC 7672 §3.1): the record
/// from its wire form or as written in a zone file, and whether senders can use it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace mtasts::dane {

/// The certificate usage field (RFC 6698 §2.1.1, names from RFC 7218).
enum class Usage : std::uint8_t { pkix_ta = 0, pkix_ee = 1, dane_ta = 2, dane_ee = 3 };
/// The selector (RFC 6698 §2.1.2): the whole certificate or its SubjectPublicKeyInfo.
enum class Selector : std::uint8_t { cert = 0, spki = 1 };
/// The matching type (RFC 6698 §2.1.3): the data itself or its SHA-256 / SHA-512 digest.
enum class Matching : std::uint8_t { full = 0, sha256 = 1, sha512 = 2 };

struct TlsaRecord {
  std::uint8_t usage = 0;
  std::uint8_t selector = 0;
  std::uint8_t matching = 0;
  std::vector<unsigned char> data;

  bool operator==(const TlsaRecord&) const = default;
};

/// The most a TLSA record's data may hold here: a full certificate (matching type 0) is a
/// few kilobytes; a DNS message cannot carry more than 64 KB anyway.
inline constexpr std::size_t kMaxTlsaDataBytes = 16 * 1024;

/// A record's RDATA (RFC 6698 §2.1): usage, selector and matching type octets, then the data.
Result<TlsaRecord> parse_tlsa_rdata(std::span<const unsigned char> rdata);

/// A record as written in a zone file (RFC 6698 §2.2): "3 1 1 0123ab..." — three decimal
/// fields and the data in hexadecimal, which may be split by white space. A leading
/// "TLSA" (or "IN TLSA", as in a whole RR line without its owner and TTL) is accepted.
Result<TlsaRecord> parse_tlsa_presentation(std::string_view text);

/// "3 1 1 0123ab...": the zone-file form, data in lower-case hex.
std::string to_presentation(const TlsaRecord& record);

/// "DANE-EE(3)", "PKIX-TA(0)", "usage 7" (RFC 7218 mnemonics).
std::string usage_name(std::uint8_t usage);

/// Why senders that do DANE for SMTP ignore this record, or nullopt when they use it:
/// PKIX-TA(0) and PKIX-EE(1) are not for SMTP (RFC 7672 §3.1.3); an unknown usage,
/// selector or matching type, or a digest of the wrong length, is unusable (RFC 7671 §4,
/// RFC 6698 §2.1.3).
std::optional<std::string> unusable_reason(const TlsaRecord& record);

/// How many of `records` senders can use.
std::size_t count_usable(std::span<const TlsaRecord> records);

}  // namespace mtasts::dane
