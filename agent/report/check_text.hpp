/// @file
/// @brief The human report of `check`: sections for the records, the policy, each MX and
/// address, then the findings, like a good online checker.
#pragma once

#include <ostream>

#include "probe/domain_report.hpp"

namespace mtasts::report {

void print_report(std::ostream& out, const probe::DomainReport& report, bool color);

}  // namespace mtasts::report
