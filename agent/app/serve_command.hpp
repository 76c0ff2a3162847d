/// @file
/// @brief `mta-sts-agent serve`: the daemon. Wires the configuration, the scheduler, the
/// checks, the state store and file, the metrics and the HTTP endpoints onto one event loop,
/// and handles SIGHUP (reload) and SIGTERM/SIGINT (a graceful stop).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>

namespace mtasts::app {

struct ServeOptions {
  std::string config_file = "mta-sts-agent.yml";
  std::string listen_address = ":8461";
  std::string web_config_file;  ///< empty: plain HTTP, no authentication
  std::string log_level = "info";
  std::string log_format = "logfmt";
  std::string storage_path;  ///< empty: change detection is not kept across restarts
  std::optional<std::size_t> shard_index;
  std::size_t shard_total = 1;
  std::string shutdown_grace = "10s";
  /// POST /-/reload answers only with this (as Prometheus' --web.enable-lifecycle): without
  /// it, any client that reaches the port, a browser page among them, could trigger reloads.
  bool enable_lifecycle = false;
  /// How long TLS-RPT reports stay in the report store (by the end of their period).
  std::string tlsrpt_retention = "30d";
  /// Where senders POST TLS-RPT reports (rua=https://...); empty: no such listener.
  std::string tlsrpt_listen_address;
  /// A Maildir that the rua=mailto: address is delivered to; empty: none.
  std::string tlsrpt_maildir;
  /// An IMAP mailbox that the rua=mailto: address is delivered to; empty url: none.
  struct Imap {
    std::string url;
    std::string user;
    std::string password_file;
    std::string folder = "TLSRPT-processed";
    std::string ca_file;
  } tlsrpt_imap;
};

int run_serve(const ServeOptions& options, std::ostream& err);

}  // namespace mtasts::app
