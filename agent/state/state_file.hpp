/// @file
/// @brief The state file of earlier versions (<storage.path>/state.json: what change detection
/// remembers, as JSON), read once to import it into the state database. A missing or corrupt
/// file is reported, never fatal.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "probe/policy_change.hpp"

namespace mtasts::state {

using Histories = std::map<std::string, probe::PolicyHistory>;

inline constexpr std::string_view kStateFileName = "state.json";
/// Larger than any real state file (10,000 domains take about 3 MB): not read.
inline constexpr std::size_t kMaxStateFileBytes = 64 * 1024 * 1024;

/// The histories of a state file's JSON text (format version 1), or why it is not one.
/// Entries it does not understand are skipped, and `notices` says how many.
Result<Histories> parse_histories(std::string_view text, std::vector<std::string>& notices);

/// Reads <dir>/state.json. A missing file gives no histories; an unreadable, oversized or
/// corrupt one gives a failure that names the file.
Result<Histories> load_state(const std::string& dir, std::vector<std::string>& notices);

}  // namespace mtasts::state
