#include "config/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <fstream>
#include <functional>
#include <map>

#include "common/duration.hpp"
#include "common/file.hpp"
#include "common/server_address.hpp"
#include "config/target_files.hpp"
#include "config/yaml_fields.hpp"
#include "mtasts/domain_name.hpp"
#include "mtasts/host_port.hpp"
#include "mtasts/text.hpp"
#include "mtasts/tlsrpt_record.hpp"

namespace mtasts::config {
namespace {

constexpr std::size_t kMaxConfigBytes = 16 * 1024 * 1024;

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

template <std::uint64_t Min, std::uint64_t Max, class Int>
void read_number(const YAML::Node& node, const std::string& path, Int& out, Errors& errors) {
  if (auto value = read_uint(node, path, Min, Max, errors)) out = static_cast<Int>(*value);
}

/// What may be set globally and per domain (CheckSettings), one line per key.
constexpr std::array<Field<CheckSettings>, 9> kCheckFields = {{
    {"interval", [](auto& n, auto& path, CheckSettings& out,
                    Errors& e) { read_duration(n, path, out.interval, e, limits::kInterval); }},
    {"timeout", [](auto& n, auto& path, CheckSettings& out,
                   Errors& e) { read_duration(n, path, out.timeout, e, limits::kTimeout); }},
    {"retry_interval",
     [](auto& n, auto& path, CheckSettings& out, Errors& e) {
       read_duration(n, path, out.retry_interval, e, limits::kRetryInterval);
     }},
    {"probe_mx", [](auto& n, auto& path, CheckSettings& out,
                    Errors& e) { read_bool(n, path, out.probe_mx, e); }},
    {"ip_families",
     [](auto& n, auto& path, CheckSettings& out, Errors& e) { read_families(n, path, out, e); }},
    {"expiry_warning",
     [](auto& n, auto& path, CheckSettings& out, Errors& e) {
       read_duration(n, path, out.expiry_warning, e, limits::kExpiryWarning, true);
     }},
    {"policy_port", [](auto& n, auto& path, CheckSettings& out,
                       Errors& e) { read_number<1, 65535>(n, path, out.policy_port, e); }},
    {"smtp_port", [](auto& n, auto& path, CheckSettings& out,
                     Errors& e) { read_number<1, 65535>(n, path, out.smtp_port, e); }},
    {"dane",
     [](auto& n, auto& path, CheckSettings& out, Errors& e) { read_bool(n, path, out.dane, e); }},
}};

/// Applies the check settings present in `map` on top of `out`.
void read_check_settings(const YAML::Node& map, const std::string& path, CheckSettings& out,
                         Errors& errors) {
  read_fields<CheckSettings>(map, path, kCheckFields, out, errors);
  if (out.timeout > out.interval) {
    errors.add(map, path,
               fmt::format("timeout ({}) must not be longer than interval ({})",
                           format_duration(out.timeout), format_duration(out.interval)));
  }
}

/// A list of strings at `path`: each item is given to `take`, which keeps it or says what is
/// wrong with it.
void read_string_list(const YAML::Node& list, const std::string& path, std::string_view items,
                      Errors& errors, const std::function<Result<void>(const std::string&)>& take) {
  if (!list.IsSequence()) {
    errors.add(list, path, fmt::format("must be a list of {}", items));
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item_path = fmt::format("{}[{}]", path, i);
    auto text = scalar(list[i], item_path, errors);
    if (!text) continue;
    if (auto taken = take(*text); !taken) errors.add(list[i], item_path, taken.error());
  }
}

/// What only the global section sets, one line per key.
constexpr std::array<Field<GlobalSettings>, 10> kGlobalFields = {{
    {"concurrency", [](auto& n, auto& path, GlobalSettings& out,
                       Errors& e) { read_number<1, 100000>(n, path, out.concurrency, e); }},
    {"dns_servers",
     [](auto& n, auto& path, GlobalSettings& out, Errors& e) {
       read_string_list(n, path, "IP or IP:PORT", e, [&out](const std::string& text) {
         auto parsed = parse_server_address(text);
         if (!parsed) return Result<void>(failure(std::move(parsed.error())));
         out.dns_servers.push_back(text);
         return Result<void>();
       });
     }},
    {"ca_file",
     [](auto& n, auto& path, GlobalSettings& out, Errors& e) {
       if (auto text = scalar(n, path, e)) {
         if (!std::ifstream(*text)) e.add(n, path, fmt::format("cannot read {}", in_quotes(*text)));
         out.ca_file = *text;
       }
     }},
    {"ehlo_name",
     [](auto& n, auto& path, GlobalSettings& out, Errors& e) {
       if (auto text = scalar(n, path, e)) {
         if (auto valid = validate_domain_name(*text); !valid) {
           e.add(n, path, fmt::format("{} {}", in_quotes(*text), valid.error()));
         }
         out.ehlo_name = *text;
       }
     }},
    {"deny_private_addresses",
     [](auto& n, auto& path, GlobalSettings& out, Errors& e) {
       read_bool(n, path, out.deny_private_addresses, e);
     }},
    {"mx_probe_reuse",
     [](auto& n, auto& path, GlobalSettings& out, Errors& e) {
       read_duration(n, path, out.mx_probe_reuse, e, limits::kMxProbeReuse, true);
     }},
    {"egress_canaries",
     [](auto& n, auto& path, GlobalSettings& out, Errors& e) {
       read_string_list(n, path, "HOST:PORT", e, [&out](const std::string& text) {
         auto parsed = parse_host_port(text);
         if (!parsed) return Result<void>(failure(std::move(parsed.error())));
         out.egress_canaries.push_back(std::move(*parsed));
         return Result<void>();
       });
     }},
    {"tlsrpt_rua",
     [](auto& n, auto& path, GlobalSettings& out, Errors& e) {
       read_string_list(n, path, "mailto: or https: URI", e, [&out](const std::string& text) {
         if (auto valid = validate_rua_uri(text); !valid) return valid;
         out.tlsrpt_rua.push_back(text);
         return Result<void>();
       });
     }},
    {"dane_trust_anchor",
     [](auto& n, auto& path, GlobalSettings& out, Errors& e) {
       if (auto text = scalar(n, path, e)) {
         if (!std::ifstream(*text)) e.add(n, path, fmt::format("cannot read {}", in_quotes(*text)));
         out.dane_trust_anchor = *text;
         out.dane_trust_anchor_set = true;
       }
     }},
    {"dane_resolver",
     [](auto& n, auto& path, GlobalSettings& out, Errors& e) {
       if (auto text = scalar(n, path, e)) {
         if (auto parsed = parse_trusted_resolver_address(*text); !parsed) {
           e.add(n, path, parsed.error());
         }
         out.dane_resolver = *text;
       }
     }},
}};

void read_global(const YAML::Node& node, GlobalSettings& out, Errors& errors) {
  const std::string path = "global";
  if (!node.IsMap()) {
    errors.add(node, path, "must be a map of settings");
    return;
  }
  check_keys(node, path, keys_of<CheckSettings, GlobalSettings>({}, kCheckFields, kGlobalFields),
             errors);
  read_check_settings(node, path, out.check, errors);
  read_fields<GlobalSettings>(node, path, kGlobalFields, out, errors);
}

class Builder {
 public:
  Builder(std::string file, std::string base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)), errors_(file_) {}

  ConfigResult build(std::string_view yaml) {
    auto root = load_yaml(yaml, errors_);
    if (!root) return failed();
    config_.files_read.push_back(file_);
    if (root->IsNull()) {
      errors_.add(*root, "", "the file is empty; it needs at least targets or target_files");
      return failed();
    }
    if (!root->IsMap()) {
      errors_.add(*root, "", "must be a map with global, targets and target_files");
      return failed();
    }
    check_keys(*root, "", keys_of({"global", "targets", "target_files"}), errors_);
    if (auto global = (*root)["global"]) read_global(global, config_.global, errors_);
    if (auto targets = (*root)["targets"]) read_inline_targets(targets);
    if (auto files = (*root)["target_files"]) {
      read_target_files(
          files, base_dir_, config_, errors_,
          [this](Target target, const YAML::Node& node, const std::string& path, Errors& errors) {
            add_target(std::move(target), node, path, errors);
          });
    }
    if (!(*root)["targets"] && !(*root)["target_files"]) {
      errors_.add(*root, "", "no targets: add targets (a list of domains) or target_files");
    }
    if (!errors_.list.empty()) return failed();
    return std::move(config_);
  }

 private:
  ConfigResult failed() { return failure(std::move(errors_.list)); }

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
        check_keys(item, path, keys_of<CheckSettings>({"domain"}, kCheckFields), errors_);
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

  std::string file_;
  std::string base_dir_;
  Errors errors_;
  Config config_;
  std::map<std::string, std::string> seen_;  // domain -> where it was declared
};

}  // namespace

Result<std::chrono::milliseconds> parse_setting_duration(std::string_view text,
                                                         std::chrono::milliseconds max,
                                                         bool allow_zero) {
  const auto value = parse_duration(text);
  if (!value || (!allow_zero && value->count() == 0)) {
    return failure(fmt::format(
        "{} is not a duration; write it as Prometheus does: 30s, 5m, 1h30m, 14d", in_quotes(text)));
  }
  if (*value > max) {
    return failure(fmt::format("{} is longer than the most allowed, {}", in_quotes(text),
                               format_duration(max)));
  }
  return *value;
}

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
  const auto text = read_file(path, kMaxConfigBytes);
  if (!text) return failure(std::vector<ConfigError>{{path, 0, "", text.error()}});
  const auto slash = path.rfind('/');
  return parse_config(*text, path, slash == std::string::npos ? "." : path.substr(0, slash));
}

}  // namespace mtasts::config
