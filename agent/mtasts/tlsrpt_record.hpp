/// @file
/// @brief The SMTP TLS Reporting record at _smtp._tls.<domain> (RFC 8460 §3).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "mtasts/finding.hpp"
#include "mtasts/tag_value_record.hpp"

namespace mtasts {

inline constexpr std::string_view kTlsRptVersion = "v=TLSRPTv1";

struct TlsRptRecord {
  bool valid = false;                     ///< senders would send reports to at least one rua
  std::vector<std::string> rua;           ///< every rua URI, record order (usable or not)
  std::vector<TagValueField> extensions;  ///< fields other than v and rua
  std::vector<Finding> findings;
};

/// Succeeds when `uri` is a usable TLS-RPT destination (RFC 8460 §3: mailto: or https:);
/// otherwise says why not. A bare address without "mailto:" is not usable.
Result<void> validate_rua_uri(std::string_view uri);

/// Parses one record's text (the strings of one TXT record, already concatenated).
TlsRptRecord parse_tlsrpt_record(std::string_view text, std::string_view subject);

/// Applies RFC 8460 §3 to every TXT record found at the name: records that do not begin
/// with v=TLSRPTv1 are discarded; none left → tlsrpt_missing; more than one →
/// tlsrpt_multiple; exactly one → parsed.
TlsRptRecord evaluate_tlsrpt_records(std::span<const std::string> records,
                                     std::string_view subject);

}  // namespace mtasts
