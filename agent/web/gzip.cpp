#include "web/gzip.hpp"

#include <zlib.h>

#include <memory>

namespace mtasts::web {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper (zlib.h)

}  // namespace

std::optional<std::string> gzip_compress(std::string_view data, int level) {
  z_stream stream{};
  if (deflateInit2(&stream, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, deflateEnd);
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) return std::nullopt;
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

std::optional<std::string> GzipWriter::finish() {
  if (!ok_ || !deflate_into({}, Z_FINISH)) return std::nullopt;
  return std::move(out_);
}

std::optional<std::string> gzip_decompress(std::string_view data, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) return std::nullopt;
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
    if (out.size() > max_bytes) return std::nullopt;
    if (rc == Z_STREAM_END) return out;
    if (rc != Z_OK) return std::nullopt;
  }
}

}  // namespace mtasts::web
