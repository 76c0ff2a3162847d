/// @file
/// @brief DNS errors: c-ares status codes as std::error_code, and the closed set of
/// outcomes the findings tell apart (NXDOMAIN is not NODATA is not "DNS broke").
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>

namespace mtasts::dns {

/// The category of c-ares status codes (ARES_ENOTFOUND, ARES_ETIMEOUT, ...); messages come
/// from ares_strerror.
const std::error_category& ares_category() noexcept;

std::error_code make_ares_error(int status) noexcept;

/// Errors the resolver itself finds in otherwise good answers.
enum class ResolverErrc { cname_loop = 1 };
const std::error_category& resolver_category() noexcept;
std::error_code make_error_code(ResolverErrc errc) noexcept;

/// What a failed lookup means for the findings. A stable label: it goes into reports.
enum class DnsFailure : std::uint8_t {
  none,
  nxdomain,      ///< the name does not exist
  nodata,        ///< the name exists, without records of the type asked
  servfail,      ///< the server failed (often a broken delegation or DNSSEC)
  refused,       ///< the server refused to answer
  timeout,       ///< no answer in time
  unreachable,   ///< no server could be reached (connection refused)
  bad_response,  ///< an answer that could not be parsed
  cname_loop,    ///< a CNAME chain that loops or is too long
  cancelled,     ///< the check's deadline or shutdown cancelled the lookup
  other,
};

std::string_view to_string(DnsFailure failure) noexcept;

/// Maps any error a lookup can end with to its DnsFailure.
DnsFailure classify(const std::error_code& error) noexcept;

/// True when the name does not exist or has no records of the type: a definitive "none".
constexpr bool is_absent(DnsFailure failure) noexcept {
  return failure == DnsFailure::nxdomain || failure == DnsFailure::nodata;
}

/// True when the failure says something about the name (it does not exist, or has no such
/// records); false when the lookup itself failed and the answer is unknown.
constexpr bool is_definitive(DnsFailure failure) noexcept {
  return failure == DnsFailure::none || is_absent(failure);
}

}  // namespace mtasts::dns
