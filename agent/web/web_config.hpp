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
#include <vector>

#include "common/result.hpp"

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
Result<WebConfig> load_web_config(const std::string& path);
Result<WebConfig> parse_web_config(std::string_view yaml, const std::string& file_name,
                                   const std::string& base_dir);

/// The server TLS context of `tls`, or why it cannot be made (unreadable key, ...).
Result<std::shared_ptr<asio::ssl::context>> make_server_tls(const WebConfig::Tls& tls);

}  // namespace mtasts::web
