/// @file
/// @brief Typed records from a raw DNS answer (the bytes c-ares hands back). Pure code:
/// no sockets, so it is unit-tested and fuzzed with crafted packets.
#pragma once

#include <asio/ip/address.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace mtasts::dns {

using Answer = std::span<const unsigned char>;

struct MxRecord {
  std::uint16_t preference = 0;
  std::string host;  ///< "" for a Null MX (RFC 7505: a single MX of "." with preference 0)

  friend bool operator==(const MxRecord&, const MxRecord&) = default;
};

/// Each TXT record's character-strings joined without separators (RFC 8461 §3.1).
std::error_code parse_txt(Answer answer, std::vector<std::string>& records);
std::error_code parse_mx(Answer answer, std::vector<MxRecord>& records);
/// A records (ipv6 = false) or AAAA records (ipv6 = true).
std::error_code parse_addresses(Answer answer, bool ipv6, std::vector<asio::ip::address>& out);

/// The CNAME records of the answer section, as (owner, target), in answer order.
/// Names come back without the trailing dot, as c-ares writes them.
std::error_code parse_cnames(Answer answer,
                             std::vector<std::pair<std::string, std::string>>& cnames);

/// The RDATA of every answer-section record of `type` (any owner: a CNAME chain's end),
/// in answer order, at most `max_records`.
std::error_code parse_rdata(Answer answer, int type, std::vector<std::vector<unsigned char>>& out,
                            std::size_t max_records = 64);

/// The header's RCODE (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN), or -1 for no header.
int answer_rcode(Answer answer);
/// The header's AD bit: a validating resolver says the answer validated (RFC 4035 §3.2.3).
bool answer_authenticated(Answer answer);

/// True when the answer's question section asks exactly `name` (any case, with or without
/// the final dot) with `type`, class IN: an answer to another question is not ours.
bool answers_question(Answer answer, std::string_view name, int type);

/// Follows `name` through `cnames` (the owner → target pairs of one answer, names compared
/// without case), each record used once so a loop inside the answer ends, appending every
/// target to `chain` until it holds more than `max_chain` names. Returns the last target
/// reached, or "" when `name` has no CNAME in the answer.
std::string follow_cnames(std::string_view name,
                          std::vector<std::pair<std::string, std::string>> cnames,
                          std::vector<std::string>& chain, std::size_t max_chain);

}  // namespace mtasts::dns
