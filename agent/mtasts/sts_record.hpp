/// @file
/// @brief The MTA-STS TXT record at _mta-sts.<domain> (RFC 8461 §3.1).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/finding.hpp"
#include "mtasts/tag_value_record.hpp"

namespace mtasts {

inline constexpr std::string_view kStsVersion = "v=STSv1";

struct StsRecord {
  bool valid = false;                     ///< senders would use this record
  std::optional<std::string> id;          ///< the policy id, when valid syntax gave one
  std::vector<TagValueField> extensions;  ///< fields other than v and id, first of each name
  std::vector<Finding> findings;
};

/// Parses one record's text (the strings of one TXT record, already concatenated).
/// `subject` names the record in findings, e.g. "_mta-sts.example.com".
StsRecord parse_sts_record(std::string_view text, std::string_view subject);

/// Applies RFC 8461 §3.1 to every TXT record found at the name: records that do not begin
/// with v=STSv1 are discarded; none left → sts_record_missing (or sts_record_invalid when
/// one was clearly meant as an STS record); more than one → sts_record_multiple; exactly
/// one → parsed.
StsRecord evaluate_sts_records(std::span<const std::string> records, std::string_view subject);

}  // namespace mtasts
