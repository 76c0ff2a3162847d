/// @file
/// @brief TXT record data as people copy it from `dig` or a zone file: one or more quoted
/// character-strings ("v=STSv1; " "id=1"), which DNS delivers concatenated (RFC 8461 §3.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace mtasts {

/// If `input` starts with '"', reads it as RFC 1035 §5.1 character-strings separated by
/// whitespace (with the escapes backslash-quote, backslash-backslash and backslash-DDD)
/// and concatenates them (or says why the quoted form cannot be read); otherwise returns it
/// as is.
Result<std::string> read_txt_presentation(std::string_view input);

}  // namespace mtasts
