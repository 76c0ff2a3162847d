/// @file
/// @brief gzip with zlib: HTTP answers (/metrics at 10,000 domains is megabytes of text that
/// compresses about 20:1) and TLS-RPT reports in (RFC 8460 §5.3: application/tlsrpt+gzip).
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace mtasts {

/// The gzip member (RFC 1952) of `data`; fails only if zlib does (out of memory).
Result<std::string> gzip_compress(std::string_view data, int level = 6);

/// Compresses text as it is produced, so the whole uncompressed text never exists at once.
class GzipWriter {
 public:
  explicit GzipWriter(int level = 6);
  ~GzipWriter();
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;
  void append(std::string_view data);
  /// The gzip member; fails if zlib failed at any point.
  Result<std::string> finish();

 private:
  bool deflate_into(std::string_view data, int flush);
  void* stream_;  ///< z_stream, kept out of this header
  std::string out_;
  bool ok_ = true;
};

/// Decompresses a gzip member, or says why not: not gzip, truncated, or more than
/// `max_bytes` of output (a gzip bomb).
Result<std::string> gzip_decompress(std::string_view data, std::size_t max_bytes);

}  // namespace mtasts
