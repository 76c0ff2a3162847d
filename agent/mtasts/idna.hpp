/// @file
/// @brief Internationalized domain names as people type them (`münchen.example`) and as DNS,
/// certificates and MTA-STS policies carry them (`xn--mnchen-3ya.example`): IDNA2008 with
/// UTS #46 non-transitional processing, by libidn2. Checks and matches use the A-label; people
/// read both.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace mtasts {

/// A domain name as a user typed it (config, `check`, `lint --mx`), as the agent uses it:
/// U-labels are converted to A-labels, ASCII is lower-cased, one trailing dot is dropped,
/// then the RFC 5321 syntax is checked. Errors say what is wrong ("is not a valid
/// internationalized name: ...").
Result<std::string> normalize_domain_input(std::string_view text);

/// The Unicode form of an A-label name, for people ("münchen.example"); the name itself when
/// it has no A-label or does not convert.
std::string unicode_form(std::string_view ascii);

/// "münchen.example (xn--mnchen-3ya.example)" for a name with A-labels, else the name.
std::string display_name(std::string_view ascii);

}  // namespace mtasts
