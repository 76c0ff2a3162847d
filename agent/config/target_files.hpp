/// @file
/// @brief Target files (README, "Configuration"): Prometheus file_sd YAML, a list of
/// `{targets: [domains], labels: {...}}` groups, named by `target_files` patterns. Each
/// domain gets its group's labels and the global check settings.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/yaml_fields.hpp"

namespace mtasts::config {

/// Takes a target read from a file: keeps it, or adds an error at `node` (a duplicate).
using AddTarget = std::function<void(Target target, const YAML::Node& node, const std::string& path,
                                     Errors& errors)>;

/// Reads the files that the `target_files` list names (globs, relative to `base_dir`),
/// giving each target to `add`. Pattern errors go to `errors`, errors inside a file carry
/// that file's name. Every file read and every pattern (as a full path) is noted in `config`.
void read_target_files(const YAML::Node& list, const std::string& base_dir, Config& config,
                       Errors& errors, const AddTarget& add);

/// Names, modification times and sizes of the files the target file patterns match now:
/// when it differs from an earlier value, a target file was changed, added or removed.
std::string target_files_fingerprint(const Config& config);

}  // namespace mtasts::config
