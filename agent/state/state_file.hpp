/// @file
/// @brief The state file under --storage.path: what change detection remembers, so a
/// restart neither forgets a policy's history nor raises a false change. Written atomically
/// (a temporary file, fsync, rename); a missing or corrupt file is reported, never fatal.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "probe/policy_change.hpp"

namespace mtasts::state {

using Histories = std::map<std::string, probe::PolicyHistory>;

inline constexpr std::string_view kStateFileName = "state.json";

/// JSON text of the histories (format version 1), and back. Parsing skips entries it does
/// not understand and says why in `problem` (empty when everything was read).
std::string serialize_histories(const Histories& histories);
Histories parse_histories(std::string_view text, std::string& problem);

/// Reads <dir>/state.json. A missing file gives no histories and no problem; an unreadable
/// or corrupt one gives what could be read and a problem to log.
Histories load_state(const std::string& dir, std::string& problem);

/// Writes <dir>/state.json atomically; returns an error message, empty on success.
std::string save_state(const std::string& dir, const Histories& histories);

}  // namespace mtasts::state
