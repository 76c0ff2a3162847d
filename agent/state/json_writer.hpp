/// @file
/// @brief JSON written straight into a string, without building a tree first: the state
/// database encodes every finished check, and nlohmann's tree (a map node and a string per
/// key, then a pass to print it) was most of that cost. Strings are escaped as RFC 8259 §7
/// says, and bytes that are not UTF-8 (domains publish bytes) become U+FFFD, so the text is
/// always JSON that nlohmann reads back.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mtasts::state {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& begin_array();
  JsonWriter& end_object();
  JsonWriter& end_array();
  /// The member name for the next value (the codec's own names: ASCII, never escaped).
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(bool b);
  JsonWriter& value(double d);  ///< the shortest text that reads back equal; null if not finite
  template <std::integral T>
  JsonWriter& value(T n) {
    if constexpr (std::is_unsigned_v<T>) {
      return integer(static_cast<std::uint64_t>(n));
    } else {
      return integer(static_cast<std::int64_t>(n));
    }
  }
  JsonWriter& null();

  /// key(name).value(v), the common case.
  template <class T>
  JsonWriter& member(std::string_view name, const T& v) {
    return key(name).value(v);
  }

 private:
  JsonWriter& integer(std::int64_t n);
  JsonWriter& integer(std::uint64_t n);
  /// Writes the comma before a value or member that is not the first of its container.
  void separate();

  std::string& out_;
  std::vector<bool> first_;  ///< per open container: nothing written in it yet
  bool after_key_ = false;
};

/// `text` as a JSON string, quoted, appended to `out`.
void append_json_string(std::string& out, std::string_view text);

}  // namespace mtasts::state
