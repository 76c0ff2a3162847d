#include "web/web_config.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/file.hpp"
#include "mtasts/text.hpp"

namespace mtasts::web {
namespace {

std::string where(const std::string& file, const YAML::Node& node, std::string_view field) {
  return fmt::format("{}:{}: {}", file, node.Mark().line + 1, field);
}

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(base_dir) / path).string();
}

std::optional<std::string> unknown_key(const YAML::Node& map, std::set<std::string_view> allowed) {
  for (const auto& entry : map) {
    // "? [a, b]: x" makes a key that is a list: an unknown field too, not an exception.
    if (!entry.first.IsScalar()) return std::string("(a key that is not a string)");
    const auto key = entry.first.Scalar();
    if (!allowed.contains(key)) return key;
  }
  return std::nullopt;
}

}  // namespace

Result<WebConfig> parse_web_config(std::string_view yaml, const std::string& file_name,
                                   const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return failure(fmt::format("{}:{}: {}", file_name, e.mark.line + 1, e.msg));
  }
  WebConfig config;
  if (root.IsNull()) return config;
  if (!root.IsMap()) return failure(fmt::format("{}: must be a map", file_name));
  if (auto key =
          unknown_key(root, {"tls_server_config", "basic_auth_users", "http_server_config"})) {
    return failure(
        fmt::format("{}: unknown field \"{}\"; allowed: tls_server_config, basic_auth_users, "
                    "http_server_config",
                    where(file_name, root, *key), *key));
  }
  try {
    if (auto tls = root["tls_server_config"]) {
      if (!tls.IsMap())
        return failure(where(file_name, tls, "tls_server_config") + ": must be a map");
      if (auto key = unknown_key(tls, {"cert_file", "key_file", "client_ca_file",
                                       "client_auth_type", "min_version"})) {
        return failure(
            fmt::format("{}: unknown field (mta-sts-agent supports cert_file, key_file, "
                        "client_ca_file, client_auth_type, min_version)",
                        where(file_name, tls, "tls_server_config." + *key)));
      }
      WebConfig::Tls t;
      t.cert_file = resolve(base_dir, tls["cert_file"].as<std::string>(""));
      t.key_file = resolve(base_dir, tls["key_file"].as<std::string>(""));
      t.client_ca_file = resolve(base_dir, tls["client_ca_file"].as<std::string>(""));
      t.client_auth_type = tls["client_auth_type"].as<std::string>("NoClientCert");
      t.min_version = tls["min_version"].as<std::string>("TLS12");
      if (t.cert_file.empty() || t.key_file.empty()) {
        return failure(where(file_name, tls, "tls_server_config") +
                       ": needs cert_file and key_file");
      }
      static const std::set<std::string_view> kAuthTypes = {
          "NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven",
          "RequireAndVerifyClientCert"};
      if (!kAuthTypes.contains(t.client_auth_type)) {
        return failure(where(file_name, tls, "tls_server_config.client_auth_type") +
                       ": must be NoClientCert, RequestClientCert, RequireAnyClientCert, "
                       "VerifyClientCertIfGiven or RequireAndVerifyClientCert");
      }
      if (t.client_auth_type.find("Verify") != std::string::npos && t.client_ca_file.empty()) {
        return failure(where(file_name, tls, "tls_server_config.client_ca_file") + ": needed by " +
                       t.client_auth_type);
      }
      if (t.min_version != "TLS12" && t.min_version != "TLS13") {
        return failure(where(file_name, tls, "tls_server_config.min_version") +
                       ": must be TLS12 or TLS13");
      }
      config.tls = std::move(t);
    }
    if (auto users = root["basic_auth_users"]) {
      if (!users.IsMap())
        return failure(where(file_name, users, "basic_auth_users") + ": must be a map");
      for (const auto& entry : users) {
        const auto user = entry.first.as<std::string>();
        const auto hash = entry.second.as<std::string>("");
        if (user.find(':') != std::string::npos) {
          return failure(where(file_name, entry.first, "basic_auth_users." + user) +
                         ": a user name must not contain ':'");
        }
        if (!hash.starts_with("$2")) {
          return failure(where(file_name, entry.second, "basic_auth_users." + user) +
                         ": must be a bcrypt hash ($2y$...), e.g. from htpasswd -nBC 10 USER");
        }
        config.basic_auth_users[user] = hash;
      }
    }
    if (auto server = root["http_server_config"]) {
      if (!server.IsMap())
        return failure(where(file_name, server, "http_server_config") + ": must be a map");
      if (auto key = unknown_key(server, {"headers"})) {
        return failure(where(file_name, server, "http_server_config." + *key) +
                       ": unknown field (mta-sts-agent supports headers)");
      }
      if (auto headers = server["headers"]) {
        for (const auto& entry : headers) {
          config.headers.emplace_back(entry.first.as<std::string>(),
                                      entry.second.as<std::string>());
        }
      }
    }
  } catch (const YAML::Exception& e) {
    return failure(fmt::format("{}:{}: {}", file_name, e.mark.line + 1, e.msg));
  }
  return config;
}

/// A web config is a few lines; a wrong path must not read a large file.
constexpr std::size_t kMaxWebConfigBytes = 1024 * 1024;

Result<WebConfig> load_web_config(const std::string& path) {
  const auto text = read_file(path, kMaxWebConfigBytes);
  if (!text) return failure("the web config file: " + text.error());
  return parse_web_config(*text, path, std::filesystem::path(path).parent_path().string());
}

Result<std::shared_ptr<asio::ssl::context>> make_server_tls(const WebConfig::Tls& tls) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_min_proto_version(ctx, tls.min_version == "TLS13" ? TLS1_3_VERSION : TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
    return failure(fmt::format("cannot load the certificate chain {}", tls.cert_file));
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return failure(fmt::format("cannot load the private key {}, or it does not match {}",
                               tls.key_file, tls.cert_file));
  }
  if (!tls.client_ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
    return failure(fmt::format("cannot load the client CA file {}", tls.client_ca_file));
  }
  int mode = SSL_VERIFY_NONE;
  if (tls.client_auth_type == "RequestClientCert" ||
      tls.client_auth_type == "VerifyClientCertIfGiven") {
    mode = SSL_VERIFY_PEER;
  } else if (tls.client_auth_type == "RequireAnyClientCert" ||
             tls.client_auth_type == "RequireAndVerifyClientCert") {
    mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  if (tls.client_auth_type == "RequestClientCert" ||
      tls.client_auth_type == "RequireAnyClientCert") {
    // Ask for a certificate but accept any (exporter-toolkit's meaning of these types).
    SSL_CTX_set_verify(ctx, mode, [](int, X509_STORE_CTX*) { return 1; });
  } else {
    SSL_CTX_set_verify(ctx, mode, nullptr);
  }
  return context;
}

}  // namespace mtasts::web
