/// @file
/// @brief JSON forms of findings (README, "`lint`": JSON), shared by `lint --json` and,
/// later, `check --json` and the HTTP API.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "mtasts/finding.hpp"

namespace mtasts::report {

/// Keys keep insertion order so the reports read top-down: verdict first, findings after.
using Json = nlohmann::ordered_json;

/// {"severity", "code", "subject", "message", "rfc", "advice"}; "advice" (what to do, from
/// the catalogue) extends the JSON contract in the README.
Json to_json(const Finding& finding);
Json to_json(std::span<const Finding> findings);

/// Serializes for output. Text from the network may be invalid UTF-8: such bytes become
/// U+FFFD instead of throwing.
std::string dump(const Json& json, int indent = 2);

}  // namespace mtasts::report
