/// @file
/// @brief Reading typed, validated values out of YAML for the configuration and its target
/// files: every error names the file, the line and the field path and says what is allowed,
/// and reading goes on so that one run shows every error.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace mtasts::config {

/// Collects errors with their file, line and field path.
class Errors {
 public:
  explicit Errors(std::string file) : file_(std::move(file)) {}
  void add(const YAML::Node& node, const std::string& path, std::string message);
  const std::string& file() const { return file_; }
  std::vector<ConfigError> list;

 private:
  std::string file_;
};

/// "global" + "interval" → "global.interval"; "" + "targets" → "targets".
std::string join_path(const std::string& parent, std::string_view key);

/// One key of a YAML map and how to read its value into `Out`. A section's table of fields
/// is the only list of its keys: reading and the "unknown field" check both use it.
template <class Out>
struct Field {
  std::string_view key;
  void (*read)(const YAML::Node& value, const std::string& path, Out& out, Errors& errors);
};

/// The keys of one or more tables of fields, plus `extra` keys read elsewhere.
template <class... Outs>
std::vector<std::string_view> keys_of(std::initializer_list<std::string_view> extra,
                                      std::span<const Field<Outs>>... tables) {
  std::vector<std::string_view> keys(extra);
  (..., [&] {
    for (const auto& field : tables) keys.push_back(field.key);
  }());
  return keys;
}

/// Reads every field of `fields` present in `map` into `out`.
template <class Out>
void read_fields(const YAML::Node& map, const std::string& path, std::span<const Field<Out>> fields,
                 Out& out, Errors& errors) {
  for (const auto& field : fields) {
    if (auto value = map[std::string(field.key)]) {
      field.read(value, join_path(path, field.key), out, errors);
    }
  }
}

/// Rejects keys the section does not know (blackbox's KnownFields, userver's
/// additionalProperties: false): a typo must not silently mean "default".
void check_keys(const YAML::Node& map, const std::string& path,
                std::span<const std::string_view> known, Errors& errors);

/// A scalar's text, or an error when the node is a list or a map.
std::optional<std::string> scalar(const YAML::Node& node, const std::string& path, Errors& errors);

/// A Prometheus-style duration (30s, 5m, 1h30m) of at most `max`; zero only if allowed.
void read_duration(const YAML::Node& node, const std::string& path, std::chrono::milliseconds& out,
                   Errors& errors, std::chrono::milliseconds max, bool allow_zero = false);

void read_bool(const YAML::Node& node, const std::string& path, bool& out, Errors& errors);

/// A whole number in [min, max].
std::optional<std::uint64_t> read_uint(const YAML::Node& node, const std::string& path,
                                       std::uint64_t min, std::uint64_t max, Errors& errors);

/// A domain as written in a target list: validated and normalized (U-labels to A-labels).
std::optional<std::string> read_domain(const YAML::Node& node, const std::string& path,
                                       Errors& errors);

/// Parses a YAML document; a syntax error becomes an error with its line.
std::optional<YAML::Node> load_yaml(std::string_view text, Errors& errors);

}  // namespace mtasts::config
