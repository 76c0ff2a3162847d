/// @file
/// @brief The `key=value; key=value` syntax shared by the MTA-STS TXT record (RFC 8461 §3.1)
/// and the TLS-RPT record (RFC 8460 §3), and the selection among the TXT records of a name.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "mtasts/finding.hpp"

namespace mtasts {

struct TagValueField {
  std::string name;
  std::string value;
};

/// Splits a record by the grammar both RFCs share:
///   record = version 1*(field-delim field) [field-delim]; field-delim = *WSP ";" *WSP
///   field  = name "=" value; name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
/// Values are returned raw: each field's own rule checks them. The record must be US-ASCII
/// without control characters. Returns the fields in record order (the version field first),
/// or why the text does not follow the grammar.
Result<std::vector<TagValueField>> split_tag_value_record(std::string_view text);

/// True when `record` begins with the version field `version` (e.g. "v=STSv1") followed by
/// *WSP ";". RFC 8461 §3.1 says "records that do not begin with v=STSv1; are discarded" (RFC
/// 8460 §3 the same for v=TLSRPTv1;), so "v=STSv1" alone is discarded; erratum 6285 notes
/// the ABNF also allows WSP before the ';'.
bool begins_with_version(std::string_view record, std::string_view version) noexcept;

/// True when `record` looks like an attempt at `version` that senders would still discard:
/// wrong case ("v=stsv1"), leading whitespace, or the version followed by junk.
bool looks_like_version_attempt(std::string_view record, std::string_view version) noexcept;

/// The field name grammar of both RFCs and of the policy file (RFC 8461 §3.2 ext-name):
/// (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".").
bool is_field_name(std::string_view name) noexcept;

/// The extension value grammar of both RFCs: 1*(%x21-3A / %x3C / %x3E-7E).
bool is_extension_value(std::string_view value) noexcept;

/// Indices of the records that begin with `version`, in the given order.
std::vector<std::size_t> select_versioned_records(std::span<const std::string> records,
                                                  std::string_view version);

/// The finding codes one kind of record uses when selection fails.
struct SelectionCodes {
  std::string_view version;  ///< "v=STSv1" or "v=TLSRPTv1"
  FindingCode missing;       ///< no record begins with the version
  FindingCode invalid;       ///< none does, but one was clearly meant to (wrong case, space)
  FindingCode multiple;      ///< more than one does
  FindingCode discarded;     ///< beside one that does, another was meant to and is ignored
};

/// RFC 8461 §3.1 and RFC 8460 §3: records that do not begin with the version are
/// discarded, and exactly one must remain. Returns its index, or the finding that says why
/// senders see no record.
Result<std::size_t, Finding> select_one_record(std::span<const std::string> records,
                                               const SelectionCodes& codes,
                                               std::string_view subject);

/// When some record begins with the version: one `codes.discarded` finding for each other
/// record that looks like an attempt at it ("v=STSv1" without ';', wrong case), which
/// senders silently ignore. Empty when no record begins with the version (the attempt is
/// then what select_one_record() reports).
std::vector<Finding> discarded_records(std::span<const std::string> records,
                                       const SelectionCodes& codes, std::string_view subject);

/// What senders make of the TXT records at one name: the selected record parsed by `parse`
/// (or the finding that says why none was selected), plus the discarded attempts.
template <class Record, class Parse>
Record parse_selected_record(std::span<const std::string> records, const SelectionCodes& codes,
                             std::string_view subject, Parse parse) {
  auto selection = select_one_record(records, codes, subject);
  Record out;
  if (selection) {
    out = parse(records[*selection], subject);
  } else {
    out.findings.push_back(std::move(selection.error()));
  }
  for (auto& f : discarded_records(records, codes, subject)) out.findings.push_back(std::move(f));
  return out;
}

}  // namespace mtasts
