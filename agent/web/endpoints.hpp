/// @file
/// @brief The daemon's HTTP routes: `/metrics`, the status pages, the JSON API, the health
/// and readiness probes and `POST /-/reload`. Pure request → response over the daemon's
/// state, so every route is testable without a socket.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "metrics/collector.hpp"
#include "state/domain_store.hpp"
#include "web/http_request.hpp"
#include "web/web_config.hpp"

namespace mtasts::web {

struct Endpoints {
  const state::DomainStore& store;
  const metrics::AgentStats& stats;
  const metrics::Collector& collector;
  std::string version;
  /// The config is loaded and every domain has been checked once.
  std::function<bool()> ready;
  /// Reloads the configuration; returns what is wrong, empty on success.
  std::function<std::string()> reload;
  /// POST /-/reload is served (--web.enable-lifecycle); otherwise 403.
  bool lifecycle = false;
  /// When the domain's next check is due (nullopt while it runs).
  std::function<std::optional<std::chrono::system_clock::time_point>(const std::string&)>
      next_check;
  BasicAuth* auth = nullptr;                                         ///< null: no basic auth
  std::vector<std::pair<std::string, std::string>> extra_headers{};  ///< web config headers
};

HttpServerResponse handle_request(Endpoints& endpoints, const HttpRequest& request,
                                  std::string_view body);

}  // namespace mtasts::web
