#include "tlsrpt/report_input.hpp"

#include <fmt/format.h>
#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "common/gzip.hpp"

namespace mtasts::tlsrpt {
namespace {

/// GObject references (GMime's parser, streams, message) owned like any other C resource.
struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
template <class T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

bool has_gzip_magic(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

bool looks_like_json(std::string_view bytes) {
  const auto first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && bytes[first] == '{';
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         std::equal(suffix.rbegin(), suffix.rend(), text.rbegin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

Result<std::string> decompressed(std::string_view bytes, const InputLimits& limits) {
  auto json = gzip_decompress(bytes, limits.max_report_bytes);
  if (!json) return failure("the gzip report cannot be read: " + json.error());
  return json;
}

/// How a part carries a report, if it does.
enum class PartKind { none, json, gzip };

PartKind kind_of(GMimeObject* part) {
  GMimeContentType* type = g_mime_object_get_content_type(part);
  if (type == nullptr) return PartKind::none;
  if (g_mime_content_type_is_type(type, "application", "tlsrpt+gzip")) return PartKind::gzip;
  if (g_mime_content_type_is_type(type, "application", "tlsrpt+json")) return PartKind::json;
  const char* name = g_mime_part_get_filename(GMIME_PART(part));
  const std::string_view filename = name ? name : "";
  // Reporters that label the attachment generically still name it as §5.3 says.
  const bool generic = g_mime_content_type_is_type(type, "application", "gzip") ||
                       g_mime_content_type_is_type(type, "application", "x-gzip") ||
                       g_mime_content_type_is_type(type, "application", "json") ||
                       g_mime_content_type_is_type(type, "application", "octet-stream");
  if (!generic) return PartKind::none;
  if (ends_with(filename, ".json.gz") || ends_with(filename, ".gz")) return PartKind::gzip;
  if (ends_with(filename, ".json")) return PartKind::json;
  if (g_mime_content_type_is_type(type, "application", "json")) return PartKind::json;
  if (g_mime_content_type_is_type(type, "application", "gzip") ||
      g_mime_content_type_is_type(type, "application", "x-gzip")) {
    return PartKind::gzip;
  }
  return PartKind::none;
}

struct Walk {
  const InputLimits* limits;
  std::vector<std::string> reports;
  std::vector<std::string> part_types;  ///< for the error when there is no report
  std::string problem;                  ///< the first part that could not be read
};

void visit_part(GMimeObject* /*parent*/, GMimeObject* part, gpointer data) {
  auto& walk = *static_cast<Walk*>(data);
  if (!GMIME_IS_PART(part)) return;
  const PartKind kind = kind_of(part);
  if (kind == PartKind::none) {
    if (GMimeContentType* type = g_mime_object_get_content_type(part)) {
      if (char* mime_type = g_mime_content_type_get_mime_type(type)) {
        if (walk.part_types.size() < 8) walk.part_types.emplace_back(mime_type);
        g_free(mime_type);
      }
    }
    return;
  }
  if (walk.reports.size() >= walk.limits->max_reports_per_message) {
    if (walk.problem.empty()) {
      walk.problem = fmt::format("the message has more than {} report parts",
                                 walk.limits->max_reports_per_message);
    }
    return;
  }
  GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
  if (content == nullptr) return;
  // The decoded part (base64 undone) in memory; the message's own size bounds it.
  GObjectPtr<GMimeStream> out{g_mime_stream_mem_new()};
  if (g_mime_data_wrapper_write_to_stream(content, out.get()) < 0) {
    if (walk.problem.empty()) walk.problem = "a report part cannot be decoded";
    return;
  }
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
  const std::string_view body(reinterpret_cast<const char*>(bytes->data), bytes->len);
  if (kind == PartKind::gzip || has_gzip_magic(body)) {
    auto json = decompressed(body, *walk.limits);
    if (json) {
      walk.reports.push_back(std::move(*json));
    } else if (walk.problem.empty()) {
      walk.problem = json.error();
    }
    return;
  }
  if (body.size() > walk.limits->max_report_bytes) {
    if (walk.problem.empty()) {
      walk.problem =
          fmt::format("a report part is larger than {} bytes", walk.limits->max_report_bytes);
    }
    return;
  }
  walk.reports.emplace_back(body);
}

}  // namespace

Result<std::vector<std::string>> reports_in_message(std::string_view message,
                                                    const InputLimits& limits) {
  static std::once_flag initialized;
  std::call_once(initialized, [] { g_mime_init(); });

  GObjectPtr<GMimeStream> stream{g_mime_stream_mem_new_with_buffer(message.data(), message.size())};
  GObjectPtr<GMimeParser> parser{g_mime_parser_new_with_stream(stream.get())};
  GObjectPtr<GMimeMessage> parsed{g_mime_parser_construct_message(parser.get(), nullptr)};
  if (!parsed) return failure("the input is neither JSON, gzip nor a mail message");
  Walk walk{&limits, {}, {}, {}};
  g_mime_message_foreach(parsed.get(), visit_part, &walk);
  if (!walk.reports.empty()) return std::move(walk.reports);
  if (!walk.problem.empty()) return failure(walk.problem);
  std::string parts;
  for (const auto& type : walk.part_types) parts += (parts.empty() ? "" : ", ") + type;
  return failure(fmt::format("the message has no TLS-RPT report part (its parts: {})",
                             parts.empty() ? "none" : parts));
}

InputFormat detect_format(std::string_view bytes) {
  return has_gzip_magic(bytes)    ? InputFormat::gzip
         : looks_like_json(bytes) ? InputFormat::json
                                  : InputFormat::mail;
}

Result<std::vector<std::string>> extract_reports(std::string_view bytes, InputFormat format,
                                                 const InputLimits& limits) {
  if (bytes.size() > limits.max_input_bytes) {
    return failure(fmt::format("the input is larger than {} bytes", limits.max_input_bytes));
  }
  if (format == InputFormat::detect) format = detect_format(bytes);
  switch (format) {
    case InputFormat::gzip: {
      auto json = decompressed(bytes, limits);
      if (!json) return failure(json.error());
      return std::vector<std::string>{std::move(*json)};
    }
    case InputFormat::json:
      if (bytes.size() > limits.max_report_bytes) {
        return failure(fmt::format("the report is larger than {} bytes", limits.max_report_bytes));
      }
      return std::vector<std::string>{std::string(bytes)};
    case InputFormat::mail:
    case InputFormat::detect: break;
  }
  return reports_in_message(bytes, limits);
}

}  // namespace mtasts::tlsrpt
