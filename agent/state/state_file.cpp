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

Result<Histories> parse_histories(std::string_view text, std::vector<std::string>& notices) {
  const auto root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) return failure("not a JSON object");
  // Any type may stand where the version belongs: only the number 1 is this format.
  const auto version = root.find("version");
  if (version == root.end() || !version->is_number_integer() || *version != kFormatVersion) {
    return failure(fmt::format("format version {} is not {}",
                               version == root.end() ? "(none)" : version->dump(), kFormatVersion));
  }
  const auto domains = root.find("domains");
  if (domains == root.end() || !domains->is_object()) return failure("no \"domains\" object");
  Histories out;
  std::size_t skipped = 0;
  for (const auto& [domain, entry] : domains->items()) {
    if (auto h = decode_history(entry)) {
      out.emplace(domain, std::move(*h));
    } else {
      ++skipped;
    }
  }
  if (skipped > 0) notices.push_back(fmt::format("skipped {} malformed domain entries", skipped));
  return out;
}

Result<Histories> load_state(const std::string& dir, std::vector<std::string>& notices) {
  const std::string path = dir + "/" + std::string(kStateFileName);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return Histories{};
    return failure(fmt::format("cannot read {}: {}", path, ec.message()));
  }
  if (size > kMaxStateFileBytes) {
    return failure(
        fmt::format("{} is {} bytes, more than a state file can be; not read", path, size));
  }
  const auto text = read_file(path, kMaxStateFileBytes);
  if (!text) return failure(text.error());
  auto histories = parse_histories(*text, notices);
  if (!histories) return failure(path + ": " + histories.error());
  return histories;
}

}  // namespace mtasts::state
