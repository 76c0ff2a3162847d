// Parsing request heads for the daemon's HTTP server, and the bytes of its answers.
#include "web/http_request.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/gzip.hpp"
#include "web/http_server.hpp"

namespace mtasts::web {
namespace {

using ::testing::HasSubstr;

HttpRequest parsed(std::string_view head) {
  auto result = parse_request_head(head);
  if (!result) {
    ADD_FAILURE() << "rejected: " << result.error();
    return {};
  }
  return *result;
}

std::string problem_of(std::string_view head) {
  auto result = parse_request_head(head);
  return result ? "accepted" : result.error();
}

TEST(HttpRequest, ParsesAPrometheusScrape) {
  const auto r = parsed(
      "GET /metrics HTTP/1.1\r\nHost: agent:8461\r\nUser-Agent: Prometheus/2.42.0\r\n"
      "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/metrics");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_EQ(r.header("user-agent"), "Prometheus/2.42.0");
  EXPECT_TRUE(r.accepts_gzip());
  EXPECT_TRUE(r.keep_alive());
  EXPECT_EQ(r.content_length(), 0u);
}

TEST(HttpRequest, DecodesThePathAndKeepsTheQuery) {
  const auto r = parsed("GET /api/v1/domains/ex%61mple.com?pretty=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.path, "/api/v1/domains/example.com");
  EXPECT_EQ(r.query, "pretty=1");
}

TEST(HttpRequest, ConnectionHandling) {
  EXPECT_FALSE(parsed("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").keep_alive());
  EXPECT_FALSE(parsed("GET / HTTP/1.0\r\n\r\n").keep_alive());
  EXPECT_TRUE(parsed("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive());
}

TEST(HttpRequest, GzipRefusedWithQZero) {
  EXPECT_FALSE(
      parsed("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0, br\r\n\r\n").accepts_gzip());
  EXPECT_TRUE(parsed("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, GZIP;q=0.5\r\n\r\n")
                  .accepts_gzip());
  EXPECT_FALSE(
      parsed("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n").accepts_gzip());
}

// A bare LF would frame the head differently from a proxy that frames by CRLF.
TEST(HttpRequest, LinesEndWithCrlfOnly) {
  EXPECT_NE(
      problem_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\nContent-Length: 5\r\n\r\n").find("LF alone"),
      std::string::npos);
  EXPECT_NE(problem_of("GET / HTTP/1.1\nHost: x\n\n").find("LF alone"), std::string::npos);
}

TEST(HttpRequest, RejectsWhatIsNotHttp) {
  EXPECT_EQ(problem_of(""), "empty request");
  EXPECT_NE(problem_of("\x16\x03\x01\x02\x00").find("not METHOD TARGET"), std::string::npos);
  EXPECT_NE(problem_of("GET / HTTP/2.0\r\n\r\n").find("not HTTP/1.0 or HTTP/1.1"),
            std::string::npos);
  EXPECT_NE(problem_of("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n").find("absolute path"),
            std::string::npos);
  EXPECT_NE(problem_of("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n").find("%-escape"), std::string::npos);
  EXPECT_NE(problem_of("GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n").find("%-escape"), std::string::npos);
  EXPECT_NE(problem_of("GET / HTTP/1.1\r\nHost : x\r\n\r\n").find("not a token"),
            std::string::npos);
  EXPECT_NE(problem_of("GET / HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n").find("no name"),
            std::string::npos);
  EXPECT_EQ(problem_of("GET / HTTP/1.1\r\n\r\n"), "HTTP/1.1 request without Host");
  std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 120; ++i) many += "X-" + std::to_string(i) + ": y\r\n";
  EXPECT_EQ(problem_of(many + "\r\n"), "too many header lines");
}

TEST(HttpRequest, MalformedContentLength) {
  EXPECT_EQ(
      parsed("POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n").content_length(),
      12u);
  EXPECT_EQ(parsed("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n").content_length(),
            std::nullopt);
  EXPECT_EQ(parsed("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\n").content_length(),
            std::nullopt);
}

// Two lengths that disagree frame the body two ways (request smuggling behind a proxy).
TEST(HttpRequest, ConflictingContentLengthsAreRefused) {
  const auto conflicting = parse_request_head(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\n");
  ASSERT_FALSE(conflicting.has_value());
  EXPECT_EQ(conflicting.error(), "conflicting Content-Length headers");
  EXPECT_EQ(parsed("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n")
                .content_length(),
            5u);
}

TEST(BasicAuthorization, DecodesUserAndPassword) {
  // "prometheus:a:b" in base64: the password keeps its colons.
  const auto credentials = parse_basic_authorization("Basic cHJvbWV0aGV1czphOmI=");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "prometheus");
  EXPECT_EQ(credentials->password, "a:b");
  // The scheme in any case, more than one space (RFC 7617 §2, RFC 9110 §11.1).
  EXPECT_TRUE(parse_basic_authorization("basic cHJvbWV0aGV1czphOmI="));
  EXPECT_TRUE(parse_basic_authorization("BASIC   cHJvbWV0aGV1czphOmI="));
}

TEST(BasicAuthorization, RefusesWhatIsNotBasicCredentials) {
  EXPECT_FALSE(parse_basic_authorization(""));
  EXPECT_FALSE(parse_basic_authorization("Bearer abc"));
  EXPECT_FALSE(parse_basic_authorization("Basically cHJvbWV0aGV1czphOmI="));
  EXPECT_FALSE(parse_basic_authorization("Basic !!!!"));
  EXPECT_FALSE(parse_basic_authorization("Basic bm8tY29sb24="));         // "no-colon"
  EXPECT_FALSE(parse_basic_authorization("Basic cHJvbWV0aGV1czphOmI"));  // length not 4n
  // "u:secret\0x": crypt(3) would read the password as "secret".
  EXPECT_FALSE(parse_basic_authorization("Basic dTpzZWNyZXQAeA=="));
}

TEST(HttpResponse, SerializesWithLengthAndConnection) {
  HttpServerResponse response{.status = 503, .body = "not ready\n"};
  response.headers.emplace_back("Retry-After", "5");
  EXPECT_EQ(serialize_response(response, false),
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 10\r\nRetry-After: 5\r\nConnection: close\r\n\r\nnot ready\n");
  EXPECT_EQ(serialize_response(response, true, true).find("not ready\n"), std::string::npos);
  // A shared body is sent in place of `body`, its length in the head.
  response.shared_body = std::make_shared<const std::string>("shared");
  EXPECT_NE(serialize_head(response, true).find("Content-Length: 6\r\n"), std::string::npos);
  EXPECT_TRUE(serialize_response(response, true).ends_with("\r\n\r\nshared"));
}

TEST(Gzip, RoundTripsAndCompressesMetricsText) {
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text +=
        "mtasts_domain_verdict{domain=\"d" + std::to_string(i) + ".example\",verdict=\"ok\"} 1\n";
  }
  const auto compressed = gzip_compress(text);
  ASSERT_TRUE(compressed);
  EXPECT_LT(compressed->size() * 10, text.size());
  EXPECT_EQ(static_cast<unsigned char>((*compressed)[0]), 0x1f);  // gzip magic
  EXPECT_EQ(gzip_decompress(*compressed, text.size()), text);
  const auto too_large = gzip_decompress(*compressed, text.size() - 1);  // the size bound
  ASSERT_FALSE(too_large);
  EXPECT_THAT(too_large.error(), HasSubstr("more than"));
  const auto not_gzip = gzip_decompress("not gzip", 100);
  ASSERT_FALSE(not_gzip);
  EXPECT_THAT(not_gzip.error(), HasSubstr("not valid gzip"));
  const auto truncated = gzip_decompress(compressed->substr(0, compressed->size() / 2), 1 << 20);
  ASSERT_FALSE(truncated);
  EXPECT_THAT(truncated.error(), HasSubstr("truncated"));
}

TEST(Gzip, WriterCompressesPieceByPiece) {
  std::string text;
  GzipWriter writer;
  for (int i = 0; i < 5000; ++i) {
    const std::string line =
        "series_" + std::to_string(i % 97) + "{a=\"b\"} " + std::to_string(i) + "\n";
    writer.append(line);
    text += line;
  }
  const auto compressed = writer.finish();
  ASSERT_TRUE(compressed);
  EXPECT_LT(compressed->size() * 4, text.size());
  EXPECT_EQ(gzip_decompress(*compressed, text.size()), text);
}

TEST(ListenAddress, Forms) {
  using Endpoints = std::vector<asio::ip::tcp::endpoint>;
  auto endpoints = [](const std::string& a) { return parse_listen_address(a).value(); };
  EXPECT_EQ(endpoints(":8461"), (Endpoints{{asio::ip::address_v6::any(), 8461}}));
  EXPECT_EQ(endpoints("127.0.0.1:0"), (Endpoints{{asio::ip::make_address("127.0.0.1"), 0}}));
  EXPECT_EQ(endpoints("[::1]:9000"), (Endpoints{{asio::ip::make_address("::1"), 9000}}));
  EXPECT_EQ(endpoints("localhost:1").size(), 2u);
  auto problem = [](const std::string& a) { return parse_listen_address(a).error(); };
  EXPECT_NE(problem("8461").find("no port"), std::string::npos);
  EXPECT_NE(problem(":70000").find("0-65535"), std::string::npos);
  EXPECT_NE(problem("::1:8461").find("brackets"), std::string::npos);
  EXPECT_NE(problem("example.org:8461").find("not an IP address"), std::string::npos);
}

}  // namespace
}  // namespace mtasts::web
