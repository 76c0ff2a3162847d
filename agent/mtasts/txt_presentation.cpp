#include "mtasts/txt_presentation.hpp"

#include <fmt/format.h>

#include "mtasts/text.hpp"

namespace mtasts {

Result<std::string> read_txt_presentation(std::string_view input) {
  if (!input.starts_with('"')) return std::string(input);
  std::string text;
  std::size_t i = 0;
  while (i < input.size()) {
    if (is_wsp(input[i])) {
      ++i;
      continue;
    }
    if (input[i] != '"') {
      return failure(fmt::format("unexpected {} at offset {} outside the quoted strings",
                                 in_quotes(input.substr(i, 1)), i));
    }
    ++i;  // opening quote
    bool closed = false;
    while (i < input.size()) {
      const char c = input[i];
      if (c == '"') {
        closed = true;
        ++i;
        break;
      }
      if (c != '\\') {
        text += c;
        ++i;
        continue;
      }
      if (i + 1 >= input.size()) break;
      if (i + 3 < input.size() && is_digit(input[i + 1]) && is_digit(input[i + 2]) &&
          is_digit(input[i + 3])) {
        const int value =
            (input[i + 1] - '0') * 100 + (input[i + 2] - '0') * 10 + (input[i + 3] - '0');
        if (value > 255) {
          return failure(
              fmt::format("escape \\{} at offset {} is above \\255", input.substr(i + 1, 3), i));
        }
        text += static_cast<char>(value);
        i += 4;
        continue;
      }
      text += input[i + 1];  // \" \\ or any other escaped character
      i += 2;
    }
    if (!closed) {
      return failure("a quoted string is not closed (missing '\"')");
    }
  }
  return text;
}

}  // namespace mtasts
