#include "config/yaml_fields.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/duration.hpp"
#include "mtasts/idna.hpp"
#include "mtasts/text.hpp"

namespace mtasts::config {

void Errors::add(const YAML::Node& node, const std::string& path, std::string message) {
  const int line = node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
  list.push_back({file_, line, path, std::move(message)});
}

std::string join_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

void check_keys(const YAML::Node& map, const std::string& path,
                std::span<const std::string_view> known, Errors& errors) {
  for (const auto& entry : map) {
    std::string key;
    try {
      key = entry.first.as<std::string>();
    } catch (const YAML::Exception&) {
      errors.add(entry.first, path, "keys must be strings");
      continue;
    }
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string allowed;
      for (auto k : known) allowed += (allowed.empty() ? "" : ", ") + std::string(k);
      errors.add(entry.first, join_path(path, key),
                 fmt::format("unknown field; allowed here: {}", allowed));
    }
  }
}

std::optional<std::string> scalar(const YAML::Node& node, const std::string& path, Errors& errors) {
  if (!node.IsScalar()) {
    errors.add(node, path, "must be a single value");
    return std::nullopt;
  }
  return node.Scalar();
}

void read_duration(const YAML::Node& node, const std::string& path, std::chrono::milliseconds& out,
                   Errors& errors, std::chrono::milliseconds max, bool allow_zero) {
  auto text = scalar(node, path, errors);
  if (!text) return;
  auto value = parse_setting_duration(*text, max, allow_zero);
  if (!value) {
    errors.add(node, path, std::move(value.error()));
    return;
  }
  out = *value;
}

void read_bool(const YAML::Node& node, const std::string& path, bool& out, Errors& errors) {
  auto text = scalar(node, path, errors);
  if (!text) return;
  if (*text == "true") {
    out = true;
  } else if (*text == "false") {
    out = false;
  } else {
    errors.add(node, path, fmt::format("{} is not true or false", in_quotes(*text)));
  }
}

std::optional<std::uint64_t> read_uint(const YAML::Node& node, const std::string& path,
                                       std::uint64_t min, std::uint64_t max, Errors& errors) {
  auto text = scalar(node, path, errors);
  if (!text) return std::nullopt;
  std::uint64_t value = 0;
  bool digits = !text->empty() && text->size() <= 19;
  for (char c : *text) digits = digits && is_digit(c);
  if (digits) {
    for (char c : *text) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!digits || value < min || value > max) {
    errors.add(node, path,
               fmt::format("{} must be a whole number from {} to {}", in_quotes(*text), min, max));
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> read_domain(const YAML::Node& node, const std::string& path,
                                       Errors& errors) {
  auto text = scalar(node, path, errors);
  if (!text) return std::nullopt;
  // A U-label name (münchen.example) is checked as its A-label (xn--mnchen-3ya.example).
  auto domain = normalize_domain_input(*text);
  if (!domain) {
    errors.add(node, path, fmt::format("{} {}", in_quotes(*text), domain.error()));
    return std::nullopt;
  }
  return std::move(*domain);
}

std::optional<YAML::Node> load_yaml(std::string_view text, Errors& errors) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    errors.list.push_back({errors.file(), e.mark.line >= 0 ? e.mark.line + 1 : 0, "",
                           fmt::format("not valid YAML: {}", e.msg)});
    return std::nullopt;
  }
}

}  // namespace mtasts::config
