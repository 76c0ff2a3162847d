/// @file
/// @brief The JSON form of a domain report (README, "`check`": `--json`), printed by
/// `check --json` and, later, served by the daemon's API.
#pragma once

#include "probe/domain_report.hpp"
#include "report/json.hpp"

namespace mtasts::report {

Json to_json(const probe::DomainReport& report);

}  // namespace mtasts::report
