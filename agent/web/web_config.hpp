/// @file
/// @brief --web.config.file in the format of Prometheus' exporter-toolkit, so `/metrics`
/// is protected the way operators protect their other exporters: TLS (certificate, key,
/// optional client certificates) and basic-auth users with bcrypt password hashes.
#pragma once

#include <asio/ssl/context.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mtasts::web {

struct WebConfig {
  struct Tls {
    std::string cert_file;
    std::string key_file;
    std::string client_ca_file;
    std::string client_auth_type = "NoClientCert";
    std::string min_version = "TLS12";
  };
  std::optional<Tls> tls;
  std::map<std::string, std::string> basic_auth_users;       ///< user → bcrypt hash
  std::vector<std::pair<std::string, std::string>> headers;  ///< http_server_config.headers
};

/// Reads and validates the file; paths in it are relative to the file's folder.
/// Errors: "FILE:LINE: FIELD: what is wrong".
std::variant<WebConfig, std::string> load_web_config(const std::string& path);
std::variant<WebConfig, std::string> parse_web_config(std::string_view yaml,
                                                      const std::string& file_name,
                                                      const std::string& base_dir);

/// The server TLS context of `tls`, or why it cannot be made (unreadable key, ...).
std::variant<std::shared_ptr<asio::ssl::context>, std::string> make_server_tls(
    const WebConfig::Tls& tls);

/// Checks Authorization headers against the users. bcrypt is slow on purpose, so an
/// accepted (user, password) pair is remembered (as a SHA-256) and not hashed again.
class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users);
  bool enabled() const { return !users_.empty(); }
  /// `authorization`: the header's value, if any.
  bool allows(std::optional<std::string_view> authorization);

 private:
  std::map<std::string, std::string> users_;
  std::vector<std::string> accepted_;  ///< SHA-256 of user, hash and password; bounded
  std::string dummy_hash_;  ///< checked for unknown users: a real user's algorithm and cost
};

/// Whether `password` matches a crypt(3) hash such as bcrypt's "$2y$10$...".
bool password_matches(const std::string& password, const std::string& hash);

}  // namespace mtasts::web
