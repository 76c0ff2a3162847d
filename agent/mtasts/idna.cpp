#include "mtasts/idna.hpp"

#include <fmt/format.h>
#include <idn2.h>

#include <cstdlib>
#include <memory>

#include "mtasts/domain_name.hpp"
#include "mtasts/text.hpp"

namespace mtasts {
namespace {

struct IdnFree {
  void operator()(char* p) const noexcept { idn2_free(p); }
};
using IdnString = std::unique_ptr<char, IdnFree>;

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

bool has_a_label(std::string_view ascii) {
  return ascii.starts_with("xn--") || ascii.find(".xn--") != std::string_view::npos;
}

}  // namespace

Result<std::string> normalize_domain_input(std::string_view text) {
  std::string name(text);
  if (name.ends_with('.')) name.pop_back();
  if (!is_ascii(name)) {
    // UTS #46 non-transitional: "ß" stays "ß" (as browsers and registries do today), case
    // is folded, the input is normalized to NFC first.
    char* converted = nullptr;
    const int rc =
        idn2_to_ascii_8z(name.c_str(), &converted, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    IdnString owned(converted);
    if (rc != IDN2_OK) {
      return failure(fmt::format("is not a valid internationalized name: {}", idn2_strerror(rc)));
    }
    name = owned.get();
  }
  name = to_lower_ascii(name);
  if (auto valid = validate_domain_name(name); !valid) return failure(std::move(valid.error()));
  if (has_a_label(name)) {
    // An A-label must be a valid IDNA2008 label (xn--abc-- or a mangled one is not).
    char* back = nullptr;
    const int rc = idn2_to_unicode_8z8z(name.c_str(), &back, 0);
    IdnString owned(back);
    if (rc != IDN2_OK) {
      return failure(
          fmt::format("has an A-label (xn--) that is not valid IDNA: {}", idn2_strerror(rc)));
    }
  }
  return name;
}

std::string unicode_form(std::string_view ascii) {
  if (!has_a_label(ascii)) return std::string(ascii);
  char* converted = nullptr;
  const int rc = idn2_to_unicode_8z8z(std::string(ascii).c_str(), &converted, 0);
  IdnString owned(converted);
  if (rc != IDN2_OK || !owned) return std::string(ascii);
  return owned.get();
}

std::string display_name(std::string_view ascii) {
  std::string unicode = unicode_form(ascii);
  if (unicode == ascii) return std::string(ascii);
  return fmt::format("{} ({})", unicode, ascii);
}

}  // namespace mtasts
