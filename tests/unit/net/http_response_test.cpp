// The HTTP/1.1 response parser of the policy fetch: framing, limits, and what broken
// servers send.
#include "net/http_response.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mtasts::net {
namespace {

struct HttpCase {
  const char* name;
  std::string wire;
  bool close_after;  // the peer closes after sending `wire`
  HttpError error;
  int status;
  std::string body;
};

std::ostream& operator<<(std::ostream& os, const HttpCase& c) {
  return os << c.name;
}

class HttpTable : public ::testing::TestWithParam<HttpCase> {};

HttpResponseParser parse(const std::string& wire, bool close_after, std::size_t chunk) {
  HttpResponseParser parser(
      HttpLimits{.max_header_bytes = 1024, .max_headers = 10, .max_body_bytes = 100});
  for (std::size_t i = 0; i < wire.size() && !parser.done(); i += chunk) {
    parser.feed(std::string_view(wire).substr(i, chunk));
  }
  if (close_after) parser.finish();
  return parser;
}

TEST_P(HttpTable, ParsesWholeAndByteByByte) {
  const HttpCase& c = GetParam();
  for (std::size_t chunk : {c.wire.size() + 1, std::size_t{1}, std::size_t{7}}) {
    const HttpResponseParser p = parse(c.wire, c.close_after, chunk);
    EXPECT_TRUE(p.done()) << "chunk " << chunk;
    EXPECT_EQ(p.error(), c.error) << "chunk " << chunk << ": " << to_string(p.error());
    EXPECT_EQ(p.response().status, c.status) << "chunk " << chunk;
    EXPECT_EQ(p.response().body, c.body) << "chunk " << chunk;
  }
}

const std::string kPolicy = "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n";

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Http11, HttpTable,
    ::testing::Values(
        HttpCase{"ContentLength", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 44\r\n\r\n" + kPolicy, false, HttpError::none, 200, kPolicy},
        HttpCase{"ContentLengthZero", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, HttpError::none, 200, ""},
        HttpCase{"UntilClose", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + kPolicy, true, HttpError::none, 200, kPolicy},
        HttpCase{"Chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nversion: STSv1\r\n\r\n1c;ext=1\r\nmode: none\r\nmax_age: 86400\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n", false, HttpError::none, 200, kPolicy},
        HttpCase{"BareLfLines", "HTTP/1.1 403 Forbidden\nContent-Length: 2\n\nno", false, HttpError::none, 403, "no"},
        HttpCase{"InterimContinue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, HttpError::none, 200, "ok"},
        HttpCase{"NoContent", "HTTP/1.1 204 No Content\r\n\r\n", false, HttpError::none, 204, ""},
        HttpCase{"Redirect", "HTTP/1.1 301 Moved\r\nLocation: https://x.example/\r\nContent-Length: 0\r\n\r\n", false, HttpError::none, 301, ""},
        HttpCase{"BodyOverLimit", "HTTP/1.1 200 OK\r\nContent-Length: 150\r\n\r\n" + std::string(150, 'x'), false, HttpError::body_too_large, 200, std::string(100, 'x')},
        HttpCase{"ChunkedOverLimit", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n96\r\n" + std::string(150, 'x') + "\r\n0\r\n\r\n", false, HttpError::body_too_large, 200, std::string(100, 'x')},
        HttpCase{"UntilCloseOverLimit", "HTTP/1.1 200 OK\r\n\r\n" + std::string(150, 'x'), true, HttpError::body_too_large, 200, std::string(100, 'x')},
        HttpCase{"TruncatedBody", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true, HttpError::truncated, 200, "short"},
        HttpCase{"TruncatedHeaders", "HTTP/1.1 200 OK\r\nContent-Le", true, HttpError::truncated, 200, ""},
        HttpCase{"NothingAtAll", "", true, HttpError::truncated, 0, ""},
        HttpCase{"NotHttp", "SSH-2.0-OpenSSH_9.2\r\n", false, HttpError::bad_status_line, 0, ""},
        HttpCase{"Http09Garbage", "<html>hello</html>\n", false, HttpError::bad_status_line, 0, ""},
        HttpCase{"StatusNotNumeric", "HTTP/1.1 2x0 OK\r\n", false, HttpError::bad_status_line, 0, ""},
        HttpCase{"HeaderWithoutColon", "HTTP/1.1 200 OK\r\nBroken header\r\n\r\n", false, HttpError::bad_header, 200, ""},
        HttpCase{"SpaceBeforeColon", "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok", false, HttpError::bad_header, 200, ""},
        HttpCase{"BadContentLength", "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n", false, HttpError::bad_content_length, 200, ""},
        HttpCase{"ConflictingContentLengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", false, HttpError::bad_content_length, 200, ""},
        HttpCase{"BadChunkSize", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false, HttpError::bad_chunk, 200, ""},
        HttpCase{"ChunkWithoutCrlf", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n", false, HttpError::bad_chunk, 200, "ok"},
        HttpCase{"EndlessHeaders", "HTTP/1.1 200 OK\r\n" + std::string(2000, 'a'), false, HttpError::headers_too_large, 200, ""},
        HttpCase{"TooManyHeaders", [] { std::string s = "HTTP/1.1 200 OK\r\n"; for (int i = 0; i < 11; ++i) s += "X-" + std::to_string(i) + ": v\r\n"; return s + "\r\n"; }(), false, HttpError::too_many_headers, 200, ""}),
    [](const auto& param_info) { return std::string(param_info.param.name); });
// clang-format on

TEST(HttpResponse, HeadersAreCaseInsensitiveAndTrimmed) {
  HttpResponseParser p;
  p.feed(
      "HTTP/1.1 200 OK\r\nCONTENT-TYPE:   text/plain; charset=utf-8  \r\nContent-Length: "
      "0\r\n\r\n");
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.response().header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(p.response().header("location"), std::nullopt);
  EXPECT_EQ(p.response().reason, "OK");
}

TEST(HttpResponse, InputAfterTheEndIsIgnored) {
  HttpResponseParser p;
  EXPECT_TRUE(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"));
  EXPECT_TRUE(p.feed("more"));
  EXPECT_EQ(p.response().body, "ok");
}

}  // namespace
}  // namespace mtasts::net
