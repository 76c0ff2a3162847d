#include "report/terminal.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "mtasts/text.hpp"

namespace mtasts::report {

bool use_color(ColorChoice choice, int fd) {
  switch (choice) {
    case ColorChoice::always: return true;
    case ColorChoice::never: return false;
    case ColorChoice::automatic: {
      const char* no_color = std::getenv("NO_COLOR");
      return (no_color == nullptr || *no_color == '\0') && isatty(fd) == 1;
    }
  }
  return false;
}

std::string paint(bool color, Tone tone, std::string_view text) {
  if (!color || tone == Tone::plain) return std::string(text);
  std::string_view code;
  switch (tone) {
    case Tone::plain: return std::string(text);
    case Tone::good: code = "32"; break;
    case Tone::bad: code = "1;31"; break;
    case Tone::warn: code = "33"; break;
    case Tone::note: code = "36"; break;
    case Tone::dim: code = "2"; break;
  }
  return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

Tone tone_of(Severity severity) noexcept {
  switch (severity) {
    case Severity::error: return Tone::bad;
    case Severity::warning: return Tone::warn;
    case Severity::info: return Tone::note;
  }
  return Tone::plain;
}

void print_findings(std::ostream& out, std::span<const Finding> findings, bool color) {
  if (findings.empty()) {
    out << "no findings\n";
    return;
  }
  out << "findings:\n";
  std::vector<const Finding*> sorted;
  for (const auto& f : findings) sorted.push_back(&f);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
  std::size_t code_width = 0;
  for (const auto* f : sorted) code_width = std::max(code_width, to_string(f->code).size());
  for (const auto* f : sorted) {
    const auto severity = fmt::format("{:<8}", to_string(f->severity));
    out << "  " << paint(color, tone_of(f->severity), severity) << ' '
        << fmt::format("{:<{}}", to_string(f->code), code_width) << "  "
        << printable(f->message, 400) << "  "
        << paint(color, Tone::dim, fmt::format("[{}]", spec(f->code).rfc)) << '\n';
  }
  // What to do: once per code, for the errors and warnings.
  std::vector<FindingCode> advised;
  for (const auto* f : sorted) {
    if (f->severity == Severity::info ||
        std::find(advised.begin(), advised.end(), f->code) != advised.end()) {
      continue;
    }
    if (advised.empty()) out << "what to do:\n";
    advised.push_back(f->code);
    out << "  " << fmt::format("{:<{}}", to_string(f->code), code_width) << "  "
        << spec(f->code).advice << '\n';
  }
}

}  // namespace mtasts::report
