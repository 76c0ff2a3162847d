// libFuzzer target: mx pattern validation and matching (RFC 8461 §4.1), host name syntax,
// and reading TXT data in dig's quoted form. Input: "pattern\nhost".
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "mtasts/domain_name.hpp"
#include "mtasts/mx_pattern.hpp"
#include "mtasts/text.hpp"
#include "mtasts/txt_presentation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  const std::string_view pattern = input.substr(0, nl);
  const std::string_view host = nl == std::string_view::npos ? "" : input.substr(nl + 1);

  const bool valid_pattern = mtasts::validate_mx_pattern(pattern).has_value();
  const bool matches = mtasts::mx_pattern_matches(pattern, host);
  (void)mtasts::validate_domain_name(host);
  // Invalid patterns match nothing; matching ignores ASCII case.
  if (!valid_pattern) MTASTS_FUZZ_CHECK(!matches);
  MTASTS_FUZZ_CHECK(matches == mtasts::mx_pattern_matches(pattern, mtasts::to_lower_ascii(host)));
  // A valid exact pattern matches itself, with or without a trailing dot.
  if (valid_pattern && !pattern.starts_with("*.")) {
    MTASTS_FUZZ_CHECK(mtasts::mx_pattern_matches(pattern, pattern));
    MTASTS_FUZZ_CHECK(mtasts::mx_pattern_matches(pattern, std::string(pattern) + "."));
  }
  const auto txt = mtasts::read_txt_presentation(input);
  if (!input.starts_with('"')) MTASTS_FUZZ_CHECK(txt && *txt == input);
  const std::string shown = mtasts::printable(input, 64);
  for (char c : shown) MTASTS_FUZZ_CHECK(c >= 0x20 && c < 0x7F);
  return 0;
}
