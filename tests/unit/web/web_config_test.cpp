// --web.config.file in the exporter-toolkit format, and basic auth with bcrypt.
#include "web/web_config.hpp"

#include <crypt.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

namespace mtasts::web {
namespace {

std::string problem_of(std::string_view yaml) {
  auto result = parse_web_config(yaml, "web.yml", "/etc/agent");
  auto* problem = std::get_if<std::string>(&result);
  return problem ? *problem : "accepted";
}

/// A bcrypt hash of `password` at the lowest cost, as htpasswd -nBC 4 would make.
std::string bcrypt(const std::string& password) {
  crypt_data data{};
  const char* hash = crypt_r(password.c_str(), "$2y$04$abcdefghijklmnopqrstuu", &data);
  return hash ? hash : "";
}

std::string basic(const std::string& user_password) {
  std::string out(4 * ((user_password.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(user_password.data()),
                                static_cast<int>(user_password.size()));
  out.resize(static_cast<std::size_t>(n));
  return "Basic " + out;
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
  ASSERT_TRUE(std::holds_alternative<WebConfig>(result)) << std::get<std::string>(result);
  const auto& config = std::get<WebConfig>(result);
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
  ASSERT_TRUE(std::holds_alternative<WebConfig>(result));
  EXPECT_FALSE(std::get<WebConfig>(result).tls);
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
}

TEST(BasicAuth, AcceptsTheRightPasswordOnly) {
  BasicAuth auth({{"prometheus", bcrypt("secret")}});
  EXPECT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.allows(basic("prometheus:secret")));
  EXPECT_TRUE(auth.allows(basic("prometheus:secret")));  // from the cache
  EXPECT_FALSE(auth.allows(basic("prometheus:Secret")));
  EXPECT_FALSE(auth.allows(basic("grafana:secret")));
  EXPECT_FALSE(auth.allows(std::nullopt));
  EXPECT_FALSE(auth.allows("Bearer abc"));
  EXPECT_FALSE(auth.allows("Basic !!!!"));
  EXPECT_FALSE(auth.allows(basic("no-colon")));
  EXPECT_TRUE(BasicAuth({}).allows(std::nullopt));  // no users: open
}

TEST(BasicAuth, TheSchemeIsCaseInsensitive) {
  BasicAuth auth({{"prometheus", bcrypt("secret")}});
  const std::string token = basic("prometheus:secret").substr(6);
  EXPECT_TRUE(auth.allows("basic " + token));
  EXPECT_TRUE(auth.allows("BASIC  " + token));
  EXPECT_FALSE(auth.allows("Basically " + token));
}

// crypt(3) stops at the first NUL: "secret\0x" would otherwise pass as "secret".
TEST(BasicAuth, APasswordWithANulIsRefused) {
  BasicAuth auth({{"prometheus", bcrypt("secret")}});
  EXPECT_FALSE(auth.allows(basic(std::string("prometheus:secret\0anything", 26))));
  EXPECT_TRUE(auth.allows(basic("prometheus:secret")));
}

TEST(BasicAuth, PasswordsWithColons) {
  BasicAuth auth({{"u", bcrypt("a:b")}});
  EXPECT_TRUE(auth.allows(basic("u:a:b")));
}

}  // namespace
}  // namespace mtasts::web
