/// @file
/// @brief Finds the report JSON in what arrives (RFC 8460 §5.3): the JSON itself, gzipped JSON
/// (application/tlsrpt+gzip), or a mail message (multipart/report; report-type=tlsrpt) with the
/// report as a part, read with GMime. Bounded: the input, each decoded part and each
/// decompressed report have a size limit, so a gzip bomb or a huge message is refused.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace mtasts::tlsrpt {

struct InputLimits {
  std::size_t max_input_bytes = 16u << 20;   ///< a message, a file, a POST body
  std::size_t max_report_bytes = 8u << 20;   ///< one report's JSON once decompressed
  std::size_t max_reports_per_message = 16;  ///< report parts in one message
};

/// What a report arrived as; also how an HTTPS POST's Content-Type is read.
enum class InputFormat {
  detect,  ///< by its first bytes: gzip magic, '{', or else a mail message
  json,
  gzip,
  mail,
};

/// What `bytes` look like: gzip by its magic number, JSON by its first character, else mail.
InputFormat detect_format(std::string_view bytes);

/// The report JSON texts in `bytes`. A message yields each part that is a report by its content
/// type (application/tlsrpt+json, application/tlsrpt+gzip, and the application/json,
/// application/gzip and application/octet-stream with a .json or .json.gz name that some
/// reporters send); errors say what was found instead ("the message has no TLS-RPT report
/// part (its parts: text/plain, image/png)").
Result<std::vector<std::string>> extract_reports(std::string_view bytes,
                                                 InputFormat format = InputFormat::detect,
                                                 const InputLimits& limits = {});

/// The reports in a mail message (GMime). For extract_reports; exposed for its tests.
Result<std::vector<std::string>> reports_in_message(std::string_view message,
                                                    const InputLimits& limits);

}  // namespace mtasts::tlsrpt
