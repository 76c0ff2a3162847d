#include "dane/tlsa_record.hpp"

#include <fmt/format.h>

#include <cctype>

namespace mtasts::dane {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view next_word(std::string_view& text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  std::size_t n = 0;
  while (n < text.size() && !is_space(text[n])) ++n;
  const auto word = text.substr(0, n);
  text.remove_prefix(n);
  return word;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

Result<std::uint8_t> parse_octet(std::string_view word, std::string_view field) {
  if (word.empty()) return failure(fmt::format("the {} field is missing", field));
  unsigned value = 0;
  for (const char c : word) {
    if (c < '0' || c > '9' || word.size() > 3) {
      return failure(fmt::format("the {} field \"{}\" is not a number from 0 to 255", field,
                                 word.substr(0, 16)));
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 255) {
    return failure(fmt::format("the {} field {} is not a number from 0 to 255", field, value));
  }
  return static_cast<std::uint8_t>(value);
}

}  // namespace

Result<TlsaRecord> parse_tlsa_rdata(std::span<const unsigned char> rdata) {
  if (rdata.size() < 3) {
    return failure(fmt::format("a TLSA record of {} bytes (at least 3)", rdata.size()));
  }
  if (rdata.size() - 3 > kMaxTlsaDataBytes) {
    return failure(fmt::format("a TLSA record with {} bytes of data (at most {})", rdata.size() - 3,
                               kMaxTlsaDataBytes));
  }
  TlsaRecord record{rdata[0], rdata[1], rdata[2], {rdata.begin() + 3, rdata.end()}};
  return record;
}

Result<TlsaRecord> parse_tlsa_presentation(std::string_view text) {
  std::string_view rest = text;
  std::string_view word = next_word(rest);
  if (equals_ignoring_case(word, "IN")) word = next_word(rest);
  if (equals_ignoring_case(word, "TLSA")) word = next_word(rest);
  TlsaRecord record;
  const auto usage = parse_octet(word, "usage");
  if (!usage) return failure(usage.error());
  const auto selector = parse_octet(next_word(rest), "selector");
  if (!selector) return failure(selector.error());
  const auto matching = parse_octet(next_word(rest), "matching type");
  if (!matching) return failure(matching.error());
  record.usage = *usage;
  record.selector = *selector;
  record.matching = *matching;
  // RFC 6698 §2.2: the data is hex and "may be broken into chunks with white space".
  int high = -1;
  for (const char c : rest) {
    if (is_space(c)) continue;
    const int v = hex_value(c);
    if (v < 0) {
      return failure(fmt::format("the data has '{}', which is not a hexadecimal digit",
                                 std::isprint(static_cast<unsigned char>(c)) != 0
                                     ? std::string(1, c)
                                     : fmt::format("\\x{:02x}", static_cast<unsigned char>(c))));
    }
    if (high < 0) {
      high = v;
      continue;
    }
    if (record.data.size() >= kMaxTlsaDataBytes) {
      return failure(fmt::format("the data is longer than {} bytes", kMaxTlsaDataBytes));
    }
    record.data.push_back(static_cast<unsigned char>(high * 16 + v));
    high = -1;
  }
  if (high >= 0) return failure("the data has an odd number of hexadecimal digits");
  if (record.data.empty()) return failure("the certificate association data is missing");
  return record;
}

std::string to_presentation(const TlsaRecord& record) {
  std::string out = fmt::format("{} {} {} ", record.usage, record.selector, record.matching);
  static constexpr char kHex[] = "0123456789abcdef";
  for (const unsigned char b : record.data) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string usage_name(std::uint8_t usage) {
  switch (usage) {
    case 0: return "PKIX-TA(0)";
    case 1: return "PKIX-EE(1)";
    case 2: return "DANE-TA(2)";
    case 3: return "DANE-EE(3)";
    default: return fmt::format("usage {}", usage);
  }
}

std::optional<std::string> unusable_reason(const TlsaRecord& record) {
  if (record.usage == 0 || record.usage == 1) {
    return fmt::format("{} is not used by SMTP senders, which only use DANE-TA(2) and DANE-EE(3)",
                       usage_name(record.usage));
  }
  if (record.usage > 3) return fmt::format("usage {} is not defined", record.usage);
  if (record.selector > 1) return fmt::format("selector {} is not defined", record.selector);
  if (record.matching > 2) return fmt::format("matching type {} is not defined", record.matching);
  const std::size_t want = record.matching == 1 ? 32 : record.matching == 2 ? 64 : 0;
  if (want != 0 && record.data.size() != want) {
    return fmt::format("a SHA-{} digest is {} bytes, this data has {}",
                       record.matching == 1 ? 256 : 512, want, record.data.size());
  }
  return std::nullopt;
}

std::size_t count_usable(std::span<const TlsaRecord> records) {
  std::size_t usable = 0;
  for (const auto& record : records) {
    if (!unusable_reason(record)) ++usable;
  }
  return usable;
}

}  // namespace mtasts::dane
