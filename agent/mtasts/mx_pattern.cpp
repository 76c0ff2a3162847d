#include "mtasts/mx_pattern.hpp"

#include "mtasts/domain_name.hpp"
#include "mtasts/text.hpp"

namespace mtasts {

Result<void> validate_mx_pattern(std::string_view pattern) {
  if (pattern.starts_with("*.")) {
    auto valid = validate_domain_name(pattern.substr(2));
    if (!valid) return failure("after \"*.\", the name " + valid.error());
    return {};
  }
  if (pattern.starts_with('*')) {
    return failure(
        "has '*' as part of a label; a wildcard must be the whole left-most label "
        "(*.example.com)");
  }
  return validate_domain_name(pattern);
}

bool mx_pattern_matches(std::string_view pattern, std::string_view host) {
  if (host.ends_with('.')) host.remove_suffix(1);  // "mx.example.com." is the same host
  if (host.empty() || !validate_mx_pattern(pattern)) return false;
  if (pattern.starts_with("*.")) {
    const auto suffix = pattern.substr(1);  // ".example.com"
    if (host.size() <= suffix.size() || !iends_with_ascii(host, suffix)) return false;
    const auto first_label = host.substr(0, host.size() - suffix.size());
    // Exactly one label: no dot, and not empty ("*.example.com" never matches "example.com").
    return !first_label.empty() && first_label.find('.') == std::string_view::npos &&
           first_label != "*";
  }
  return iequals_ascii(pattern, host);
}

std::optional<std::size_t> find_matching_pattern(std::span<const std::string> patterns,
                                                 std::string_view host) {
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (mx_pattern_matches(patterns[i], host)) return i;
  }
  return std::nullopt;
}

std::vector<MxCoverage> mx_coverage(std::span<const std::string> patterns,
                                    std::span<const std::string> hosts) {
  std::vector<MxCoverage> out;
  out.reserve(hosts.size());
  for (const auto& host : hosts) {
    MxCoverage row{host, std::nullopt};
    if (auto i = find_matching_pattern(patterns, host)) row.pattern = patterns[*i];
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<std::string> unused_patterns(std::span<const std::string> patterns,
                                         std::span<const std::string> hosts) {
  std::vector<std::string> out;
  for (const auto& pattern : patterns) {
    bool used = false;
    for (const auto& host : hosts) used = used || mx_pattern_matches(pattern, host);
    if (!used) out.push_back(pattern);
  }
  return out;
}

}  // namespace mtasts
