#include "mtasts/policy.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>

#include "common/utf8.hpp"
#include "mtasts/mx_pattern.hpp"
#include "mtasts/tag_value_record.hpp"
#include "mtasts/text.hpp"

namespace mtasts {
namespace {

// A garbage body of 64 KiB could otherwise yield thousands of findings of one code.
constexpr std::size_t kMaxFindingsPerCode = 10;
constexpr std::size_t kMaxAgeDigits = 10;  // sts-policy-max-age-value = 1*10(DIGIT)
constexpr std::array<std::string_view, 4> kKnownFields = {"version", "mode", "max_age", "mx"};

class Parser {
 public:
  Parser(std::string_view body, std::string_view subject) : body_(body), subject_(subject) {}

  Policy run() {
    if (body_.empty()) {
      add(FindingCode::policy_syntax, "the policy is empty");
      return std::move(out_);
    }
    if (body_.size() > kMaxPolicyBytes) {
      add(FindingCode::policy_too_large,
          fmt::format("the policy has {} bytes; senders are expected to accept at most {} "
                      "(64 KiB) and may reject it",
                      body_.size(), kMaxPolicyBytes));
    }
    split_lines();
    check_required_fields();
    add_mode_findings();
    finish();
    return std::move(out_);
  }

 private:
  void add(FindingCode code, std::string message) {
    std::size_t& count = per_code_[static_cast<std::size_t>(code)];
    if (++count <= kMaxFindingsPerCode) {
      out_.findings.push_back(make_finding(code, std::string(subject_), std::move(message)));
    }
  }

  void split_lines() {
    std::size_t start = 0;
    std::size_t number = 0;
    while (start < body_.size()) {
      ++number;
      const std::size_t lf = body_.find('\n', start);
      auto line = body_.substr(start, lf == std::string_view::npos ? lf : lf - start);
      if (lf != std::string_view::npos) {
        if (line.ends_with('\r')) {
          line.remove_suffix(1);
        } else {
          ++lf_lines_;
        }
      }
      parse_line(number, line);
      if (lf == std::string_view::npos) break;
      start = lf + 1;
    }
  }

  void parse_line(std::size_t number, std::string_view line) {
    if (trim_wsp(line).empty()) {
      add(FindingCode::policy_empty_line,
          fmt::format("line {} is empty; the grammar has no empty lines (most senders skip "
                      "them, a strict one rejects the policy)",
                      number));
      return;
    }
    for (char c : line) {
      const auto b = static_cast<std::uint8_t>(c);
      if ((b < 0x20 && c != '\t') || b == 0x7F) {
        add(FindingCode::policy_syntax,
            fmt::format("line {} contains the control character 0x{:02x}{}", number, b,
                        c == '\r' ? " (a CR not followed by LF)" : ""));
        return;
      }
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      add(FindingCode::policy_syntax,
          fmt::format("line {} {} is not \"name: value\"", number, in_quotes(line)));
      return;
    }
    const auto name = line.substr(0, colon);
    if (!is_field_name(name)) {
      add(FindingCode::policy_syntax, fmt::format("line {}: {} is not a field name{}", number,
                                                  in_quotes(name), name_hint(name)));
      return;
    }
    // sts-policy-field-delim = ":" *WSP, and *WSP may end a line before its terminator.
    const auto value = trim_wsp(line.substr(colon + 1));
    if (name == "version") {
      if (first_of(name, number)) parse_version(number, value);
    } else if (name == "mode") {
      if (first_of(name, number)) parse_mode_value(number, value);
    } else if (name == "max_age") {
      if (first_of(name, number)) parse_max_age(number, value);
    } else if (name == "mx") {
      parse_mx(number, value);
    } else {
      parse_extension(number, name, value);
    }
  }

  static std::string name_hint(std::string_view name) {
    if (name.starts_with("\xEF\xBB\xBF")) {
      return "; the file starts with a UTF-8 byte order mark: save it without one";
    }
    if (!name.empty() && is_wsp(name.front())) return "; lines must not start with whitespace";
    if (!name.empty() && is_wsp(name.back())) return "; no whitespace is allowed before ':'";
    return " (letters, digits, '_', '-', '.', at most 32)";
  }

  // RFC 8461 §3.2: of a duplicated field other than mx, "all entries except for the first
  // SHALL be ignored".
  bool first_of(std::string_view name, std::size_t number) {
    for (const auto& seen : seen_) {
      if (seen == name) {
        add(FindingCode::policy_duplicate_field,
            fmt::format("line {}: {} appears again; the RFC says senders use the first, but "
                        "some use the last",
                        number, in_quotes(name)));
        return false;
      }
    }
    seen_.emplace_back(name);
    return true;
  }

  void parse_version(std::size_t number, std::string_view value) {
    if (value == "STSv1") {
      out_.version = std::string(value);
    } else {
      add(FindingCode::policy_version,
          fmt::format("line {}: version is {}; it must be STSv1", number, in_quotes(value)));
    }
  }

  void parse_mode_value(std::size_t number, std::string_view value) {
    if (auto mode = parse_mode(value)) {
      out_.mode = mode;
      return;
    }
    std::string hint = "it must be enforce, testing or none";
    for (Mode m : {Mode::enforce, Mode::testing, Mode::none}) {
      const auto name = to_string(m);
      if (iequals_ascii(value, name)) {
        hint = fmt::format("values are case-sensitive: write {}", name);
      } else if (value.size() > 4 && istarts_with_ascii(value, name.substr(0, 4))) {
        hint = fmt::format("did you mean {}? (it must be enforce, testing or none)", name);
      }
    }
    add(FindingCode::policy_mode_invalid,
        fmt::format("line {}: mode is {}; {}", number, in_quotes(value), hint));
  }

  void parse_max_age(std::size_t number, std::string_view value) {
    bool digits = !value.empty();
    for (char c : value) digits = digits && is_digit(c);
    if (!digits) {
      add(FindingCode::policy_max_age_invalid,
          fmt::format("line {}: max_age {} is not a plain non-negative number of seconds", number,
                      in_quotes(value)));
      return;
    }
    if (value.size() > kMaxAgeDigits) {
      add(FindingCode::policy_max_age_invalid,
          fmt::format("line {}: max_age has {} digits; at most {} are allowed", number,
                      value.size(), kMaxAgeDigits));
      return;
    }
    std::uint64_t seconds = 0;
    for (char c : value) seconds = seconds * 10 + static_cast<std::uint64_t>(c - '0');
    if (seconds > kMaxMaxAge) {
      add(FindingCode::policy_max_age_invalid,
          fmt::format("line {}: max_age {} is above the maximum {} (one year)", number, seconds,
                      kMaxMaxAge));
      return;
    }
    out_.max_age = seconds;
  }

  void parse_mx(std::size_t number, std::string_view value) {
    ++mx_lines_;
    if (auto valid = validate_mx_pattern(value); !valid) {
      add(FindingCode::policy_mx_invalid,
          fmt::format("line {}: mx {} {}", number, in_quotes(value), valid.error()));
      return;
    }
    out_.mx.emplace_back(value);
  }

  void parse_extension(std::size_t number, std::string_view name, std::string_view value) {
    // sts-policy-ext-value: UTF-8 without control characters; inner spaces but not tabs.
    if (value.empty() || !is_valid_utf8(value) || value.find('\t') != std::string_view::npos) {
      add(FindingCode::policy_syntax,
          fmt::format("line {}: the value of {} is {}", number, in_quotes(name),
                      value.empty() ? "empty" : "not valid UTF-8 text without tabs"));
      return;
    }
    for (const auto& ext : out_.extensions) {
      if (ext.name == name) {
        add(FindingCode::policy_duplicate_field,
            fmt::format("line {}: {} appears again; senders use the first", number,
                        in_quotes(name)));
        return;
      }
    }
    std::string message = fmt::format(
        "line {}: field {} is not defined by RFC 8461; senders ignore it", number, in_quotes(name));
    for (auto known : kKnownFields) {
      if (iequals_ascii(name, known)) {
        message = fmt::format(
            "line {}: field {} is not {}: field names are case-sensitive, so "
            "senders ignore it",
            number, in_quotes(name), known);
      }
    }
    add(FindingCode::policy_unknown_field, std::move(message));
    out_.extensions.push_back({std::string(name), std::string(value)});
  }

  bool seen(std::string_view name) const {
    for (const auto& s : seen_) {
      if (s == name) return true;
    }
    return false;
  }

  void check_required_fields() {
    if (!seen("version")) {
      add(FindingCode::policy_version, "the policy has no version field; add version: STSv1");
    }
    if (!seen("mode")) {
      add(FindingCode::policy_mode_invalid,
          "the policy has no mode field; add mode: enforce, testing or none");
    }
    if (!seen("max_age")) {
      add(FindingCode::policy_max_age_invalid,
          "the policy has no max_age field; add max_age: <seconds>, e.g. 604800 (a week)");
    }
    if (mx_lines_ == 0 && out_.mode != Mode::none) {
      add(FindingCode::policy_mx_missing,
          "the policy has no mx field; list every MX host (mx: mail.example.com, one per line)");
    }
  }

  void add_mode_findings() {
    if (lf_lines_ > 0) {
      add(FindingCode::policy_lf_line_endings,
          fmt::format("{} line(s) end with LF instead of CRLF; the ABNF allows LF (erratum "
                      "6253) and senders accept it",
                      lf_lines_));
    }
    if (out_.mode == Mode::testing) {
      add(FindingCode::policy_mode_testing,
          "mode is testing: senders report failures (TLS-RPT) but still deliver without TLS");
    } else if (out_.mode == Mode::none) {
      add(FindingCode::policy_mode_none,
          "mode is none: senders apply no MTA-STS protection (the way RFC 8461 section 8.3 retires "
          "a policy)");
    }
    // A short max_age is the recommended way out under mode none (§8.3), so only the
    // active modes draw the advice. Under a day, a sender that is offline or unlucky for a
    // day loses the policy: a warning. A day to a week is what large providers publish and
    // senders honour: advice only (info).
    if (out_.max_age && *out_.max_age < kShortMaxAge && out_.mode && *out_.mode != Mode::none) {
      Finding f = make_finding(
          FindingCode::policy_max_age_short, std::string(subject_),
          *out_.max_age < kOneDayMaxAge
              ? fmt::format("max_age {} is under a day; senders forget the policy that soon and "
                            "fall back to accepting plain text; the RFC expects weeks "
                            "(e.g. 604800 to 31557600)",
                            *out_.max_age)
              : fmt::format("max_age {} is under a week: senders apply it, but forget it a few "
                            "days after they last fetch it; weeks (604800 to 31557600) protect "
                            "senders that come back rarely",
                            *out_.max_age),
          out_.mode);
      if (*out_.max_age >= kOneDayMaxAge) f.severity = Severity::info;
      out_.findings.push_back(std::move(f));
    }
  }

  void finish() {
    for (std::size_t i = 0; i < per_code_.size(); ++i) {
      if (per_code_[i] > kMaxFindingsPerCode) {
        const auto code = static_cast<FindingCode>(i);
        out_.findings.push_back(
            make_finding(code, std::string(subject_),
                         fmt::format("... and {} more {} findings not shown",
                                     per_code_[i] - kMaxFindingsPerCode, to_string(code))));
      }
    }
    out_.valid = true;
    for (const auto& f : out_.findings) out_.valid = out_.valid && f.severity != Severity::error;
  }

  std::string_view body_;
  std::string_view subject_;
  Policy out_;
  std::vector<std::string> seen_;
  std::array<std::size_t, kFindingCodeCount> per_code_{};
  std::size_t lf_lines_ = 0;
  std::size_t mx_lines_ = 0;
};

}  // namespace

Policy parse_policy(std::string_view body, std::string_view subject) {
  return Parser(body, subject).run();
}

}  // namespace mtasts
