// --web.config.file in the exporter-toolkit format.
#include "web/web_config.hpp"

#include <crypt.h>
#include <gtest/gtest.h>

namespace mtasts::web {
namespace {

std::string problem_of(std::string_view yaml) {
  auto result = parse_web_config(yaml, "web.yml", "/etc/agent");
  return result ? "accepted" : result.error();
}

/// A bcrypt hash of `password` at the lowest cost, as htpasswd -nBC 4 would make.
std::string bcrypt(const std::string& password) {
  crypt_data data{};
  const char* hash = crypt_r(password.c_str(), "$2y$04$abcdefghijklmnopqrstuu", &data);
  return hash ? hash : "";
}

TEST(WebConfig, ReadsTheExporterToolkitFormat) {
  const std::string hash = bcrypt("secret");
  auto result = parse_web_config(
      "tls_server_config:\n  cert_file: agent.crt\n  key_file: /keys/agent.key\n"
      "  min_version: TLS13\nbasic_auth_users:\n  prometheus: " +
          hash +
          "\n"
          "http_server_config:\n  headers:\n    X-Frame-Options: deny\n",
      "web.yml", "/etc/agent");
  ASSERT_TRUE(result.has_value()) << result.error();
  const auto& config = result.value();
  ASSERT_TRUE(config.tls);
  EXPECT_EQ(config.tls->cert_file, "/etc/agent/agent.crt");  // relative to the file
  EXPECT_EQ(config.tls->key_file, "/keys/agent.key");
  EXPECT_EQ(config.tls->min_version, "TLS13");
  EXPECT_EQ(config.basic_auth_users.at("prometheus"), hash);
  ASSERT_EQ(config.headers.size(), 1u);
  EXPECT_EQ(config.headers[0].first, "X-Frame-Options");
}

TEST(WebConfig, EmptyFileMeansNoTlsAndNoAuth) {
  auto result = parse_web_config("", "web.yml", ".");
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result.value().tls);
}

TEST(WebConfig, ErrorsNameTheFileLineAndField) {
  EXPECT_EQ(problem_of("tls_server_config:\n  cert_file: a\n"),
            "web.yml:2: tls_server_config: needs cert_file and key_file");
  EXPECT_EQ(problem_of("basic_auth_users:\n  alice: plaintext\n"),
            "web.yml:2: basic_auth_users.alice: must be a bcrypt hash ($2y$...), e.g. from "
            "htpasswd -nBC 10 USER");
  EXPECT_NE(problem_of("tls_config: {}\n").find("unknown field \"tls_config\""), std::string::npos);
  EXPECT_NE(problem_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS10\n")
                .find("must be TLS12 or TLS13"),
            std::string::npos);
  EXPECT_NE(problem_of("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                       "  client_auth_type: RequireAndVerifyClientCert\n")
                .find("client_ca_file: needed by"),
            std::string::npos);
  EXPECT_NE(problem_of("a: [").find("web.yml:"), std::string::npos);
  // A key that is a list or a map is an unknown field, not an exception (the fuzzer's find).
  EXPECT_NE(problem_of("? [a, b]\n: x\n").find("unknown field"), std::string::npos);
  EXPECT_NE(problem_of("tls_server_config:\n  ? {a: b}\n  : x\n").find("unknown field"),
            std::string::npos);
}

}  // namespace
}  // namespace mtasts::web
