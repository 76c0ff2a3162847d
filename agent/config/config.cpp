#include "config/config.hpp"

#include <fmt/format.h>
#include <glob.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <set>
#include <span>
#include <sstream>

#include "common/duration.hpp"
#include "common/file.hpp"
#include "common/server_address.hpp"
#include "mtasts/domain_name.hpp"
#include "mtasts/host_port.hpp"
#include "mtasts/idna.hpp"
#include "mtasts/text.hpp"

namespace mtasts::config {
namespace {

constexpr std::size_t kMaxConfigBytes = 16 * 1024 * 1024;  // also for target files

/// Collects errors with their file, line and field path.
class Errors {
 public:
  explicit Errors(std::string file) : file_(std::move(file)) {}
  void add(const YAML::Node& node, const std::string& path, std::string message) {
    const int line = node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
    list.push_back({file_, line, path, std::move(message)});
  }
  std::vector<ConfigError> list;

 private:
  std::string file_;
};

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

/// Rejects keys the section does not know (blackbox's KnownFields, userver's
/// additionalProperties: false): a typo must not silently mean "default".
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

void check_keys(const YAML::Node& map, const std::string& path,
                std::initializer_list<std::string_view> known, Errors& errors) {
  check_keys(map, path, std::span<const std::string_view>(known.begin(), known.size()), errors);
}

std::optional<std::string> scalar(const YAML::Node& node, const std::string& path, Errors& errors) {
  if (!node.IsScalar()) {
    errors.add(node, path, "must be a single value");
    return std::nullopt;
  }
  return node.Scalar();
}

void read_duration(const YAML::Node& node, const std::string& path, std::chrono::milliseconds& out,
                   Errors& errors, std::chrono::milliseconds max, bool allow_zero = false) {
  auto text = scalar(node, path, errors);
  if (!text) return;
  auto value = parse_duration(*text);
  if (!value || (!allow_zero && value->count() == 0)) {
    errors.add(node, path,
               fmt::format("{} is not a duration; write it as Prometheus does: 30s, 5m, 1h30m, 14d",
                           in_quotes(*text)));
    return;
  }
  if (*value > max) {
    errors.add(node, path,
               fmt::format("{} is longer than the most allowed, {}", in_quotes(*text),
                           format_duration(max)));
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

template <class Int>
void read_uint(const YAML::Node& node, const std::string& path, Int& out, std::uint64_t min,
               std::uint64_t max, Errors& errors) {
  auto text = scalar(node, path, errors);
  if (!text) return;
  std::uint64_t value = 0;
  bool digits = !text->empty() && text->size() <= 19;
  for (char c : *text) digits = digits && is_digit(c);
  if (digits) {
    for (char c : *text) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!digits || value < min || value > max) {
    errors.add(node, path,
               fmt::format("{} must be a whole number from {} to {}", in_quotes(*text), min, max));
    return;
  }
  out = static_cast<Int>(value);
}

void read_families(const YAML::Node& node, const std::string& path, CheckSettings& out,
                   Errors& errors) {
  if (!node.IsSequence() || node.size() == 0) {
    errors.add(node, path, "must be a list of ipv4 and/or ipv6");
    return;
  }
  bool v4 = false, v6 = false;
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto text = scalar(node[i], fmt::format("{}[{}]", path, i), errors);
    if (!text) continue;
    if (*text == "ipv4") {
      v4 = true;
    } else if (*text == "ipv6") {
      v6 = true;
    } else {
      errors.add(node[i], fmt::format("{}[{}]", path, i),
                 fmt::format("{} is not ipv4 or ipv6", in_quotes(*text)));
    }
  }
  out.ipv4 = v4;
  out.ipv6 = v6;
}

constexpr std::array<std::string_view, 8> kCheckKeys = {
    "interval",    "timeout",        "retry_interval", "probe_mx",
    "ip_families", "expiry_warning", "policy_port",    "smtp_port"};

/// Applies the check settings present in `map` on top of `out`.
void read_check_settings(const YAML::Node& map, const std::string& path, CheckSettings& out,
                         Errors& errors) {
  if (auto n = map["interval"]) {
    read_duration(n, join_path(path, "interval"), out.interval, errors, limits::kInterval);
  }
  if (auto n = map["timeout"]) {
    read_duration(n, join_path(path, "timeout"), out.timeout, errors, limits::kTimeout);
  }
  if (auto n = map["retry_interval"]) {
    read_duration(n, join_path(path, "retry_interval"), out.retry_interval, errors,
                  limits::kRetryInterval);
  }
  if (auto n = map["probe_mx"]) read_bool(n, join_path(path, "probe_mx"), out.probe_mx, errors);
  if (auto n = map["ip_families"]) read_families(n, join_path(path, "ip_families"), out, errors);
  if (auto n = map["expiry_warning"]) {
    read_duration(n, join_path(path, "expiry_warning"), out.expiry_warning, errors,
                  limits::kExpiryWarning, true);
  }
  if (auto n = map["policy_port"])
    read_uint(n, join_path(path, "policy_port"), out.policy_port, 1, 65535, errors);
  if (auto n = map["smtp_port"])
    read_uint(n, join_path(path, "smtp_port"), out.smtp_port, 1, 65535, errors);
  if (out.timeout > out.interval) {
    errors.add(map, path,
               fmt::format("timeout ({}) must not be longer than interval ({})",
                           format_duration(out.timeout), format_duration(out.interval)));
  }
}

/// A list of strings at `path`: each item is given to `take`, which keeps it and returns
/// empty, or returns what is wrong with it.
void read_string_list(const YAML::Node& list, const std::string& path, std::string_view items,
                      Errors& errors, const std::function<std::string(const std::string&)>& take) {
  if (!list.IsSequence()) {
    errors.add(list, path, fmt::format("must be a list of {}", items));
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item_path = fmt::format("{}[{}]", path, i);
    auto text = scalar(list[i], item_path, errors);
    if (!text) continue;
    if (auto problem = take(*text); !problem.empty()) errors.add(list[i], item_path, problem);
  }
}

void read_global(const YAML::Node& node, GlobalSettings& out, Errors& errors) {
  const std::string path = "global";
  if (!node.IsMap()) {
    errors.add(node, path, "must be a map of settings");
    return;
  }
  std::vector<std::string_view> keys(kCheckKeys.begin(), kCheckKeys.end());
  for (auto k : {"concurrency", "dns_servers", "ca_file", "ehlo_name", "deny_private_addresses",
                 "mx_probe_reuse", "egress_canaries"}) {
    keys.emplace_back(k);
  }
  check_keys(node, path, keys, errors);
  read_check_settings(node, path, out.check, errors);
  if (auto n = node["concurrency"])
    read_uint(n, "global.concurrency", out.concurrency, 1, 100000, errors);
  if (auto n = node["mx_probe_reuse"])
    read_duration(n, "global.mx_probe_reuse", out.mx_probe_reuse, errors, limits::kMxProbeReuse,
                  true);
  if (auto n = node["dns_servers"]) {
    read_string_list(n, "global.dns_servers", "IP or IP:PORT", errors,
                     [&out](const std::string& text) {
                       auto parsed = parse_server_address(text);
                       if (parsed.error.empty()) out.dns_servers.push_back(text);
                       return parsed.error;
                     });
  }
  if (auto n = node["ca_file"]) {
    if (auto text = scalar(n, "global.ca_file", errors)) {
      if (!std::ifstream(*text)) {
        errors.add(n, "global.ca_file", fmt::format("cannot read {}", in_quotes(*text)));
      }
      out.ca_file = *text;
    }
  }
  if (auto n = node["ehlo_name"]) {
    if (auto text = scalar(n, "global.ehlo_name", errors)) {
      if (auto problem = domain_name_problem(*text)) {
        errors.add(n, "global.ehlo_name", fmt::format("{} {}", in_quotes(*text), *problem));
      }
      out.ehlo_name = *text;
    }
  }
  if (auto n = node["deny_private_addresses"]) {
    read_bool(n, "global.deny_private_addresses", out.deny_private_addresses, errors);
  }
  if (auto n = node["egress_canaries"]) {
    read_string_list(n, "global.egress_canaries", "HOST:PORT", errors,
                     [&out](const std::string& text) {
                       auto parsed = parse_host_port(text);
                       std::string problem = parsed.error;
                       if (problem.empty()) out.egress_canaries.push_back(std::move(parsed));
                       return problem;
                     });
  }
}

/// A domain as written in a target list: validated and normalized, or nullopt.
std::optional<std::string> read_domain(const YAML::Node& node, const std::string& path,
                                       Errors& errors) {
  auto text = scalar(node, path, errors);
  if (!text) return std::nullopt;
  // A U-label name (münchen.example) is checked as its A-label (xn--mnchen-3ya.example).
  auto domain = normalize_domain_input(*text);
  if (!domain.error.empty()) {
    errors.add(node, path, fmt::format("{} {}", in_quotes(*text), domain.error));
    return std::nullopt;
  }
  return std::move(domain.ascii);
}

/// Loads a YAML document, turning a syntax error into a ConfigError with its line.
std::optional<YAML::Node> load_yaml(std::string_view text, Errors& errors) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    errors.list.push_back(
        {"", e.mark.line >= 0 ? e.mark.line + 1 : 0, "", fmt::format("not valid YAML: {}", e.msg)});
    return std::nullopt;
  }
}

class Builder {
 public:
  Builder(std::string file, std::string base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)), errors_(file_) {}

  ConfigResult build(std::string_view yaml) {
    auto root = load_yaml(yaml, errors_);
    if (!root) return fail();
    config_.files_read.push_back(file_);
    if (root->IsNull()) {
      errors_.add(*root, "", "the file is empty; it needs at least targets or target_files");
      return fail();
    }
    if (!root->IsMap()) {
      errors_.add(*root, "", "must be a map with global, targets and target_files");
      return fail();
    }
    check_keys(*root, "", {"global", "targets", "target_files"}, errors_);
    if (auto global = (*root)["global"]) read_global(global, config_.global, errors_);
    if (auto targets = (*root)["targets"]) read_inline_targets(targets);
    if (auto files = (*root)["target_files"]) read_target_files(files);
    if (!(*root)["targets"] && !(*root)["target_files"]) {
      errors_.add(*root, "", "no targets: add targets (a list of domains) or target_files");
    }
    if (!errors_.list.empty()) return fail();
    return std::move(config_);
  }

 private:
  ConfigResult fail() {
    for (auto& e : errors_.list) {
      if (e.file.empty()) e.file = file_;
    }
    return std::move(errors_.list);
  }

  /// Adds `target` unless its domain is already one (an error in `errors`, at `node`).
  void add_target(Target target, const YAML::Node& node, const std::string& path, Errors& errors) {
    auto [it, inserted] = seen_.emplace(target.domain, target.source);
    if (!inserted) {
      errors.add(node, path,
                 fmt::format("{} is already a target (at {})", target.domain, it->second));
      return;
    }
    config_.targets.push_back(std::move(target));
  }

  std::string source(const YAML::Node& node, const std::string& file) const {
    return fmt::format("{}:{}", file, node.Mark().line + 1);
  }

  void read_inline_targets(const YAML::Node& list) {
    if (!list.IsSequence()) {
      errors_.add(list, "targets", "must be a list of domains, or of maps with a domain field");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string path = fmt::format("targets[{}]", i);
      Target target;
      target.check = config_.global.check;
      target.source = source(item, file_);
      if (item.IsMap()) {
        // A map overrides check settings for this domain only.
        std::vector<std::string_view> keys(kCheckKeys.begin(), kCheckKeys.end());
        keys.emplace_back("domain");
        check_keys(item, path, keys, errors_);
        if (!item["domain"]) {
          errors_.add(item, path, "a target map needs a domain field");
          continue;
        }
        auto domain = read_domain(item["domain"], join_path(path, "domain"), errors_);
        read_check_settings(item, path, target.check, errors_);
        if (!domain) continue;
        target.domain = *domain;
      } else {
        auto domain = read_domain(item, path, errors_);
        if (!domain) continue;
        target.domain = *domain;
      }
      add_target(std::move(target), item, path, errors_);
    }
  }

  void read_target_files(const YAML::Node& list) {
    if (!list.IsSequence()) {
      errors_.add(list, "target_files", "must be a list of file names or glob patterns");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = fmt::format("target_files[{}]", i);
      auto pattern = scalar(list[i], path, errors_);
      if (!pattern) continue;
      const std::string full = pattern->starts_with('/') ? *pattern : base_dir_ + "/" + *pattern;
      config_.target_file_globs.push_back(full);
      glob_t found{};
      const int status = glob(full.c_str(), GLOB_ERR, nullptr, &found);
      if (status == GLOB_NOMATCH && full.find_first_of("*?[") == std::string::npos) {
        errors_.add(list[i], path, fmt::format("cannot read {}", in_quotes(full)));
      }
      for (std::size_t k = 0; status == 0 && k < found.gl_pathc; ++k) {
        read_target_file(found.gl_pathv[k]);
      }
      globfree(&found);
    }
  }

  /// A Prometheus file_sd file: a list of {targets: [...], labels: {...}}.
  void read_target_file(const std::string& file) {
    std::string error;
    const std::string text = read_file(file, kMaxConfigBytes, error);
    if (!error.empty()) {
      errors_.list.push_back({file, 0, "", error});
      return;
    }
    config_.files_read.push_back(file);
    Errors file_errors(file);
    auto root = load_yaml(text, file_errors);
    if (root && !root->IsNull()) {
      if (!root->IsSequence()) {
        file_errors.add(*root, "", "must be a list of groups: - targets: [domains] labels: {...}");
      } else {
        for (std::size_t g = 0; g < root->size(); ++g) {
          read_group((*root)[g], fmt::format("[{}]", g), file, file_errors);
        }
      }
    }
    for (auto& e : file_errors.list) {
      if (e.file.empty()) e.file = file;
      errors_.list.push_back(std::move(e));
    }
  }

  void read_group(const YAML::Node& group, const std::string& path, const std::string& file,
                  Errors& errors) {
    if (!group.IsMap()) {
      errors.add(group, path, "must be a map with targets and optional labels");
      return;
    }
    check_keys(group, path, {"targets", "labels"}, errors);
    std::map<std::string, std::string> labels;
    if (auto l = group["labels"]) {
      if (!l.IsMap()) {
        errors.add(l, path + ".labels", "must be a map of label names to values");
      } else {
        for (const auto& entry : l) {
          const std::string name = entry.first.Scalar();
          bool valid = !name.empty() && !is_digit(name.front()) && !name.starts_with("__");
          for (char c : name) valid = valid && (is_alnum(c) || c == '_');
          if (!valid) {
            errors.add(
                entry.first, path + ".labels." + name,
                "is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
            continue;
          }
          labels[name] = entry.second.IsScalar() ? entry.second.Scalar() : "";
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
      add_target({*domain, config_.global.check, labels, source(targets[i], file)}, targets[i],
                 item_path, errors);
    }
  }

  std::string file_;
  std::string base_dir_;
  Errors errors_;
  Config config_;
  std::map<std::string, std::string> seen_;  // domain -> where it was declared
};

}  // namespace

std::string ConfigError::to_string() const {
  std::string out = file;
  if (line > 0) out += fmt::format(":{}", line);
  out += ": ";
  if (!path.empty()) out += path + ": ";
  return out + message;
}

ConfigResult parse_config(std::string_view yaml, const std::string& file_name,
                          const std::string& base_dir) {
  return Builder(file_name, base_dir).build(yaml);
}

ConfigResult load_config(const std::string& path) {
  std::string error;
  const std::string text = read_file(path, kMaxConfigBytes, error);
  if (!error.empty()) return std::vector<ConfigError>{{path, 0, "", error}};
  const auto slash = path.rfind('/');
  return parse_config(text, path, slash == std::string::npos ? "." : path.substr(0, slash));
}

}  // namespace mtasts::config

namespace mtasts::config {

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
