#include "mtasts/tag_value_record.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "mtasts/text.hpp"

namespace mtasts {
namespace {

Result<void> validate_bytes(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<std::uint8_t>(text[i]);
    if (b >= 0x80) {
      return failure(fmt::format(
          "byte 0x{:02x} at offset {} is not US-ASCII; records must be US-ASCII", b, i));
    }
    if ((b < 0x20 && text[i] != '\t') || b == 0x7F) {
      return failure(fmt::format("control character 0x{:02x} at offset {}", b, i));
    }
  }
  return {};
}

}  // namespace

Result<std::vector<TagValueField>> split_tag_value_record(std::string_view text) {
  std::vector<TagValueField> fields;
  if (text.empty()) {
    return failure("the record is empty");
  }
  if (auto valid = validate_bytes(text); !valid) return failure(std::move(valid.error()));
  if (is_wsp(text.front())) {
    return failure("the record starts with whitespace; it must start with the version field");
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t semi = text.find(';', start);
    const bool last = semi == std::string_view::npos;
    const auto raw = text.substr(start, last ? std::string_view::npos : semi - start);
    const auto field = trim_wsp(raw);
    if (field.empty()) {
      // Only the part after a final ';' may be empty: "[field-delim]" at the end.
      if (!last || fields.empty()) {
        return failure(fmt::format("empty field at offset {} (\";;\" or a leading ';')", start));
      }
      break;
    }
    if (last && trim_wsp_right(raw).size() != raw.size()) {
      return failure("whitespace after the last field; it is allowed only around ';'");
    }
    const std::size_t eq = field.find('=');
    if (eq == std::string_view::npos) {
      return failure(fmt::format("field {} has no '=' (fields are name=value)", in_quotes(field)));
    }
    const auto name = field.substr(0, eq);
    if (!is_field_name(name)) {
      return failure(
          fmt::format("field name {} is not valid (letters, digits, '_', '-', '.'; at most 32; "
                      "no spaces before '=')",
                      in_quotes(name)));
    }
    fields.push_back({std::string(name), std::string(field.substr(eq + 1))});
    if (last) break;
    start = semi + 1;
  }
  return fields;
}

bool is_field_name(std::string_view name) noexcept {
  constexpr std::size_t kMaxNameLength = 32;
  if (name.empty() || name.size() > kMaxNameLength || !is_alnum(name.front())) return false;
  for (char c : name) {
    if (!is_alnum(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

bool begins_with_version(std::string_view record, std::string_view version) noexcept {
  if (!record.starts_with(version)) return false;
  const auto rest = trim_wsp_left(record.substr(version.size()));
  return !rest.empty() && rest.front() == ';';
}

bool looks_like_version_attempt(std::string_view record, std::string_view version) noexcept {
  if (begins_with_version(record, version)) return false;
  // "v=stsv1", " v=STSv1", "v=STSv2" (the version without its digit, in any case)...
  if (istarts_with_ascii(trim_wsp_left(record), version.substr(0, version.size() - 2))) {
    return true;
  }
  // ... or the version somewhere later: "id=1; v=STSv1".
  for (std::size_t i = 0; i + version.size() <= record.size(); ++i) {
    if (iequals_ascii(record.substr(i, version.size()), version)) return true;
  }
  return false;
}

bool is_extension_value(std::string_view value) noexcept {
  if (value.empty()) return false;
  for (char c : value) {
    const auto b = static_cast<std::uint8_t>(c);
    if (b < 0x21 || b > 0x7E || c == ';' || c == '=') return false;
  }
  return true;
}

std::vector<std::size_t> select_versioned_records(std::span<const std::string> records,
                                                  std::string_view version) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (begins_with_version(records[i], version)) out.push_back(i);
  }
  return out;
}

Result<std::size_t, Finding> select_one_record(std::span<const std::string> records,
                                               const SelectionCodes& codes,
                                               std::string_view subject) {
  const auto selected = select_versioned_records(records, codes.version);
  if (selected.size() == 1) return selected.front();
  if (selected.size() > 1) {
    std::vector<std::string> shown;
    for (std::size_t i : selected) shown.push_back(in_quotes(records[i]));
    return failure(
        make_finding(codes.multiple, std::string(subject),
                     fmt::format("{} TXT records begin with {} ({}); senders must then "
                                 "assume there is none: publish exactly one",
                                 selected.size(), codes.version, fmt::join(shown, ", "))));
  }
  for (const auto& record : records) {
    if (looks_like_version_attempt(record, codes.version)) {
      return failure(
          make_finding(codes.invalid, std::string(subject),
                       fmt::format("record {} does not begin with exactly \"{}\" followed by "
                                   "';' (case-sensitive, no leading space); senders discard it",
                                   in_quotes(record), codes.version)));
    }
  }
  return failure(make_finding(codes.missing, std::string(subject),
                              records.empty()
                                  ? std::string("no TXT record at this name")
                                  : fmt::format("none of the {} TXT record(s) begins with {}",
                                                records.size(), codes.version)));
}

std::vector<Finding> discarded_records(std::span<const std::string> records,
                                       const SelectionCodes& codes, std::string_view subject) {
  std::vector<Finding> out;
  if (select_versioned_records(records, codes.version).empty()) return out;
  for (const auto& record : records) {
    if (!looks_like_version_attempt(record, codes.version)) continue;
    out.push_back(make_finding(
        codes.discarded, std::string(subject),
        fmt::format("record {} does not begin with exactly \"{};\" (case-sensitive, no leading "
                    "space); senders discard it and use the record that does",
                    in_quotes(record), codes.version)));
  }
  return out;
}

}  // namespace mtasts
