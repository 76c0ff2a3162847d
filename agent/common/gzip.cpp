#include "common/gzip.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <memory>

namespace mtasts {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper (zlib.h)

std::string zlib_failure(const char* what, int rc, const z_stream& stream) {
  return fmt::format("{}: {}", what, stream.msg ? stream.msg : zError(rc));
}

}  // namespace

Result<std::string> gzip_compress(std::string_view data, int level) {
  z_stream stream{};
  if (int rc = deflateInit2(&stream, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY);
      rc != Z_OK) {
    return failure(zlib_failure("cannot start gzip", rc, stream));
  }
  const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, deflateEnd);
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (int rc = deflate(&stream, Z_FINISH); rc != Z_STREAM_END) {
    return failure(zlib_failure("gzip failed", rc, stream));
  }
  out.resize(stream.total_out);
  return out;
}

GzipWriter::GzipWriter(int level) : stream_(new z_stream{}) {
  ok_ = deflateInit2(static_cast<z_stream*>(stream_), level, Z_DEFLATED, kGzipWindowBits, 8,
                     Z_DEFAULT_STRATEGY) == Z_OK;
}

GzipWriter::~GzipWriter() {
  auto* stream = static_cast<z_stream*>(stream_);
  if (ok_) deflateEnd(stream);
  delete stream;
}

bool GzipWriter::deflate_into(std::string_view data, int flush) {
  auto* stream = static_cast<z_stream*>(stream_);
  stream->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream->avail_in = static_cast<uInt>(data.size());
  for (;;) {
    const std::size_t used = out_.size();
    out_.resize(used + 65536);
    stream->next_out = reinterpret_cast<Bytef*>(out_.data() + used);
    stream->avail_out = 65536;
    const int rc = deflate(stream, flush);
    out_.resize(used + 65536 - stream->avail_out);
    if (rc == Z_STREAM_END) return true;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
    if (flush == Z_NO_FLUSH && stream->avail_in == 0) return true;
  }
}

void GzipWriter::append(std::string_view data) {
  if (ok_ && !data.empty()) ok_ = deflate_into(data, Z_NO_FLUSH);
}

Result<std::string> GzipWriter::finish() {
  if (!ok_ || !deflate_into({}, Z_FINISH)) return failure("gzip failed (zlib out of memory)");
  return std::move(out_);
}

Result<std::string> gzip_decompress(std::string_view data, std::size_t max_bytes) {
  z_stream stream{};
  if (int rc = inflateInit2(&stream, kGzipWindowBits); rc != Z_OK) {
    return failure(zlib_failure("cannot start gunzip", rc, stream));
  }
  const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[16384];
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    const int rc = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - stream.avail_out);
    if (out.size() > max_bytes) {
      return failure(fmt::format("more than {} bytes when decompressed", max_bytes));
    }
    if (rc == Z_STREAM_END) return out;
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) return failure("the gzip data is truncated");
    if (rc != Z_OK) return failure(zlib_failure("not valid gzip data", rc, stream));
  }
}

}  // namespace mtasts
