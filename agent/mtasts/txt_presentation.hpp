/// @file
/// @brief TXT record data as people copy it from `dig` or a zone file: one or more quoted
/// character-strings ("v=STSv1; " "id=1"), which DNS delivers concatenated (RFC 8461 §3.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mtasts {

struct TxtText {
  std::string text;                  ///< the record's strings, concatenated
  std::optional<std::string> error;  ///< why the quoted form could not be read
};

/// If `input` starts with '"', reads it as RFC 1035 §5.1 character-strings separated by
/// whitespace (with the escapes backslash-quote, backslash-backslash and backslash-DDD)
/// and concatenates them; otherwise returns it as is.
TxtText read_txt_presentation(std::string_view input);

}  // namespace mtasts
