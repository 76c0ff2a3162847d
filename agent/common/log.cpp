#include "common/log.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "common/utf8.hpp"

namespace mtasts::log {
namespace {

struct Sink {
  Level level = Level::info;
  Format format = Format::logfmt;
  std::ostream* out = &std::cerr;
};

Sink& sink() {
  static Sink s;
  return s;
}

std::string_view name_of(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

/// logfmt values are bare when they hold no space, quote, '=' or control character. Either
/// way a line is UTF-8: a byte from a domain's records that starts no UTF-8 sequence becomes
/// U+FFFD, as in the JSON lines, so log shippers that demand UTF-8 keep the line.
void append_logfmt_value(std::string& out, std::string_view value) {
  bool bare = !value.empty() && is_valid_utf8(value);
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= ' ' || c == '"' || c == '=' || c == 0x7f) bare = false;
  }
  if (bare) {
    out += value;
    return;
  }
  out += '"';
  append_valid_utf8(out, value, [](std::string& o, char ch) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\r': o += "\\r"; break;
      case '\t': o += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          o += fmt::format("\\u{:04x}", c);
        } else {
          o += ch;
        }
    }
  });
  out += '"';
}

}  // namespace

std::optional<Level> level_from_name(std::string_view name) noexcept {
  for (auto level : {Level::debug, Level::info, Level::warn, Level::error}) {
    if (name == name_of(level)) return level;
  }
  return std::nullopt;
}

std::optional<Format> format_from_name(std::string_view name) noexcept {
  if (name == "logfmt") return Format::logfmt;
  if (name == "json") return Format::json;
  return std::nullopt;
}

std::string format_line(Format format, std::string_view timestamp, Level level,
                        std::string_view message, std::initializer_list<Field> fields) {
  if (format == Format::json) {
    nlohmann::ordered_json line;
    line["ts"] = timestamp;
    line["level"] = name_of(level);
    line["msg"] = message;
    for (const auto& [key, value] : fields) line[std::string(key)] = value;
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out = "ts=";
  out += timestamp;
  out += " level=";
  out += name_of(level);
  out += " msg=";
  append_logfmt_value(out, message);
  for (const auto& [key, value] : fields) {
    out += ' ';
    out += key;
    out += '=';
    append_logfmt_value(out, value);
  }
  return out;
}

void configure(Level level, Format format, std::ostream* out) {
  sink() = Sink{level, format, out ? out : &std::cerr};
}

bool enabled(Level level) noexcept {
  return level >= sink().level;
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  *sink().out << format_line(sink().format, rfc3339_millis(std::chrono::system_clock::now()), level,
                             message, fields)
              << '\n'
              << std::flush;
}

std::string current_exception_message() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

std::function<void(std::exception_ptr)> on_exception(std::string what) {
  return [what = std::move(what)](std::exception_ptr failure) {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (...) {
      error("task ended by an exception", {{"task", what}, {"err", current_exception_message()}});
    }
  };
}

}  // namespace mtasts::log
