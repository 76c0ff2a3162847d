#include "state/state_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/file.hpp"
#include "state/report_codec.hpp"

namespace mtasts::state {
namespace {

constexpr int kFormatVersion = 1;

}  // namespace

Histories parse_histories(std::string_view text, std::string& problem) {
  problem.clear();
  Histories out;
  const auto root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    problem = "not a JSON object";
    return out;
  }
  // Any type may stand where the version belongs: only the number 1 is this format.
  const auto version = root.find("version");
  if (version == root.end() || !version->is_number_integer() || *version != kFormatVersion) {
    problem = fmt::format("format version {} is not {}",
                          version == root.end() ? "(none)" : version->dump(), kFormatVersion);
    return out;
  }
  const auto domains = root.find("domains");
  if (domains == root.end() || !domains->is_object()) {
    problem = "no \"domains\" object";
    return out;
  }
  std::size_t skipped = 0;
  for (const auto& [domain, entry] : domains->items()) {
    std::string why;
    if (auto h = decode_history(entry, why)) {
      out.emplace(domain, std::move(*h));
    } else {
      ++skipped;
    }
  }
  if (skipped > 0) problem = fmt::format("skipped {} malformed domain entries", skipped);
  return out;
}

Histories load_state(const std::string& dir, std::string& problem) {
  problem.clear();
  const std::string path = dir + "/" + std::string(kStateFileName);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    if (ec != std::errc::no_such_file_or_directory) {
      problem = fmt::format("cannot read {}: {}", path, ec.message());
    }
    return {};
  }
  if (size > kMaxStateFileBytes) {
    problem = fmt::format("{} is {} bytes, more than a state file can be; not read", path, size);
    return {};
  }
  const std::string text = read_file(path, kMaxStateFileBytes, problem);
  if (!problem.empty()) return {};
  auto histories = parse_histories(text, problem);
  if (!problem.empty()) problem = path + ": " + problem;
  return histories;
}

}  // namespace mtasts::state
