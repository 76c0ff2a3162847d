#include "mtasts/sts_record.hpp"

#include <fmt/format.h>

#include "mtasts/text.hpp"

namespace mtasts {
namespace {

constexpr std::size_t kMaxIdLength = 32;  // sts-id = %s"id=" 1*32(ALPHA / DIGIT)

Result<void> validate_id(std::string_view id) {
  if (id.empty()) return failure("id is empty");
  if (id.size() > kMaxIdLength) {
    return failure(fmt::format("id {} has {} characters; at most {} are allowed", in_quotes(id),
                               id.size(), kMaxIdLength));
  }
  for (char c : id) {
    if (!is_alnum(c)) {
      return failure(fmt::format(
          "id {} contains {}; only letters and digits are allowed (no dashes, dots or colons)",
          in_quotes(id), in_quotes(std::string_view(&c, 1))));
    }
  }
  return {};
}

}  // namespace

StsRecord parse_sts_record(std::string_view text, std::string_view subject) {
  StsRecord out;
  std::string sub(subject);
  auto invalid = [&](std::string message) {
    out.findings.push_back(make_finding(FindingCode::sts_record_invalid, sub, std::move(message)));
  };

  const auto fields = split_tag_value_record(text);
  if (!fields) {
    invalid(fmt::format("record {}: {}", in_quotes(text), fields.error()));
    return out;
  }
  if ((*fields).front().name != "v" || (*fields).front().value != "STSv1") {
    invalid(fmt::format("record {} does not begin with v=STSv1 (case-sensitive)", in_quotes(text)));
    return out;
  }
  if ((*fields).size() < 2) {
    invalid("the record has no id field; write v=STSv1; id=<1 to 32 letters and digits>");
    return out;
  }

  bool id_seen = false;
  bool id_ok = false;
  for (std::size_t i = 1; i < (*fields).size(); ++i) {
    const auto& [name, value] = (*fields)[i];
    if (name == "v" || (name == "id" && id_seen)) {
      out.findings.push_back(make_finding(
          FindingCode::sts_record_duplicate_field, sub,
          fmt::format("field {} appears more than once; senders use the first", in_quotes(name))));
      continue;
    }
    if (name == "id") {
      id_seen = true;
      if (auto valid = validate_id(value); !valid) {
        invalid(valid.error());
      } else {
        out.id = value;
        id_ok = true;
      }
      continue;
    }
    if (!is_extension_value(value)) {
      invalid(fmt::format("field {} has the value {}, which is empty or has a space, '=' or ';'",
                          in_quotes(name), in_quotes(value)));
      continue;
    }
    bool first_of_name = true;
    for (const auto& ext : out.extensions) first_of_name = first_of_name && ext.name != name;
    if (!first_of_name) {
      out.findings.push_back(make_finding(
          FindingCode::sts_record_duplicate_field, sub,
          fmt::format("field {} appears more than once; senders use the first", in_quotes(name))));
      continue;
    }
    const bool case_slip = iequals_ascii(name, "id") || iequals_ascii(name, "v");
    out.findings.push_back(make_finding(
        FindingCode::sts_record_unknown_field, sub,
        case_slip ? fmt::format("field {} is not {}: field names are case-sensitive",
                                in_quotes(name), to_lower_ascii(name))
                  : fmt::format("field {} is not defined by RFC 8461; senders ignore it",
                                in_quotes(name))));
    out.extensions.push_back({name, value});
  }
  if (!id_seen) invalid("the record has no id field; write id=<1 to 32 letters and digits>");
  out.valid = id_ok;
  for (const auto& f : out.findings) out.valid = out.valid && f.severity != Severity::error;
  return out;
}

StsRecord evaluate_sts_records(std::span<const std::string> records, std::string_view subject) {
  static constexpr SelectionCodes kCodes{
      kStsVersion, FindingCode::sts_record_missing, FindingCode::sts_record_invalid,
      FindingCode::sts_record_multiple, FindingCode::sts_record_discarded};
  return parse_selected_record<StsRecord>(records, kCodes, subject, &parse_sts_record);
}

}  // namespace mtasts
