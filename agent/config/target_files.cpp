#include "config/target_files.hpp"

#include <fmt/format.h>
#include <glob.h>
#include <sys/stat.h>

#include <map>

#include "common/file.hpp"
#include "common/utf8.hpp"
#include "mtasts/text.hpp"

namespace mtasts::config {
namespace {

constexpr std::size_t kMaxTargetFileBytes = 16 * 1024 * 1024;

/// A Prometheus label name: [a-zA-Z_][a-zA-Z0-9_]*, and not reserved (__*).
bool is_label_name(const std::string& name) {
  bool valid = !name.empty() && !is_digit(name.front()) && !name.starts_with("__");
  for (char c : name) valid = valid && (is_alnum(c) || c == '_');
  return valid;
}

void read_group(const YAML::Node& group, const std::string& path, const std::string& file,
                const CheckSettings& check, Errors& errors, const AddTarget& add) {
  if (!group.IsMap()) {
    errors.add(group, path, "must be a map with targets and optional labels");
    return;
  }
  check_keys(group, path, keys_of({"targets", "labels"}), errors);
  std::map<std::string, std::string> labels;
  if (auto l = group["labels"]) {
    if (!l.IsMap()) {
      errors.add(l, path + ".labels", "must be a map of label names to values");
    } else {
      for (const auto& entry : l) {
        const std::string name = entry.first.Scalar();
        if (!is_label_name(name)) {
          errors.add(
              entry.first, path + ".labels." + name,
              "is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
          continue;
        }
        // Prometheus's own file_sd refuses these too: a label value is a string, in UTF-8.
        if (!entry.second.IsScalar()) {
          errors.add(entry.second, path + ".labels." + name, "must be a string");
          continue;
        }
        const std::string& value = entry.second.Scalar();
        if (!is_valid_utf8(value)) {
          errors.add(entry.second, path + ".labels." + name,
                     fmt::format("{} is not UTF-8, as label values must be", in_quotes(value)));
          continue;
        }
        labels[name] = value;
      }
    }
  }
  const YAML::Node targets = group["targets"];
  if (!targets || !targets.IsSequence()) {
    errors.add(targets ? targets : group, path + ".targets", "must be a list of domains");
    return;
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::string item_path = fmt::format("{}.targets[{}]", path, i);
    auto domain = read_domain(targets[i], item_path, errors);
    if (!domain) continue;
    add({*domain, check, labels, fmt::format("{}:{}", file, targets[i].Mark().line + 1)},
        targets[i], item_path, errors);
  }
}

void read_target_file(const std::string& file, Config& config, Errors& errors,
                      const AddTarget& add) {
  const auto text = read_file(file, kMaxTargetFileBytes);
  if (!text) {
    errors.list.push_back({file, 0, "", text.error()});
    return;
  }
  config.files_read.push_back(file);
  Errors file_errors(file);
  auto root = load_yaml(*text, file_errors);
  if (root && !root->IsNull()) {
    if (!root->IsSequence()) {
      file_errors.add(*root, "", "must be a list of groups: - targets: [domains] labels: {...}");
    } else {
      for (std::size_t g = 0; g < root->size(); ++g) {
        read_group((*root)[g], fmt::format("[{}]", g), file, config.global.check, file_errors, add);
      }
    }
  }
  for (auto& e : file_errors.list) errors.list.push_back(std::move(e));
}

}  // namespace

void read_target_files(const YAML::Node& list, const std::string& base_dir, Config& config,
                       Errors& errors, const AddTarget& add) {
  if (!list.IsSequence()) {
    errors.add(list, "target_files", "must be a list of file names or glob patterns");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = fmt::format("target_files[{}]", i);
    auto pattern = scalar(list[i], path, errors);
    if (!pattern) continue;
    const std::string full = pattern->starts_with('/') ? *pattern : base_dir + "/" + *pattern;
    config.target_file_globs.push_back(full);
    glob_t found{};
    const int status = glob(full.c_str(), GLOB_ERR, nullptr, &found);
    if (status == GLOB_NOMATCH && full.find_first_of("*?[") == std::string::npos) {
      errors.add(list[i], path, fmt::format("cannot read {}", in_quotes(full)));
    }
    for (std::size_t k = 0; status == 0 && k < found.gl_pathc; ++k) {
      read_target_file(found.gl_pathv[k], config, errors, add);
    }
    globfree(&found);
  }
}

std::string target_files_fingerprint(const Config& config) {
  std::string out;
  for (const auto& pattern : config.target_file_globs) {
    glob_t found{};
    if (glob(pattern.c_str(), 0, nullptr, &found) == 0) {
      for (std::size_t k = 0; k < found.gl_pathc; ++k) {
        struct stat info {};
        out += found.gl_pathv[k];
        if (::stat(found.gl_pathv[k], &info) == 0) {
          out += fmt::format(" {}.{} {} {}\n", info.st_mtim.tv_sec, info.st_mtim.tv_nsec,
                             info.st_size, info.st_ino);
        } else {
          out += " gone\n";
        }
      }
    }
    globfree(&found);
  }
  return out;
}

}  // namespace mtasts::config
