/// @file
/// @brief The daemon's HTTP routes: `/metrics`, the status pages, the JSON API, the health
/// and readiness probes and `POST /-/reload`. Pure request → response over the daemon's
/// state, so every route is testable without a socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "metrics/collector.hpp"
#include "state/domain_store.hpp"
#include "tlsrpt/report_store.hpp"
#include "web/basic_auth.hpp"
#include "web/http_request.hpp"

namespace mtasts::web {

struct Endpoints {
  const state::DomainStore& store;
  const metrics::AgentStats& stats;
  const metrics::Collector& collector;
  std::string version;
  /// The config is loaded and every domain has been checked once.
  std::function<bool()> ready;
  /// Reloads the configuration, or says what is wrong with the new one.
  std::function<Result<void>()> reload;
  /// POST /-/reload is served (--web.enable-lifecycle); otherwise 403.
  bool lifecycle = false;
  /// When the domain's next check is due (nullopt while it runs).
  std::function<std::optional<std::chrono::system_clock::time_point>(const std::string&)>
      next_check;
  std::vector<std::pair<std::string, std::string>> extra_headers{};
  /// The domain's TLS-RPT reports for its status page; unset without a report store.
  std::function<std::vector<tlsrpt::ReportSummary>(const std::string&, std::time_t)>
      sender_reports{};  ///< web config headers
  /// A /metrics render is served again for this long while no domain changed and no reload
  /// happened (the other agent figures may be that old), so concurrent
  /// scrapes (an HA pair of Prometheus servers, a dozen dashboards) share one render and one
  /// buffer instead of each holding tens of MB.
  std::chrono::milliseconds metrics_reuse{1000};

  /// The last render of each encoding (plain text, gzip).
  struct Rendered {
    std::shared_ptr<const std::string> body;
    std::chrono::steady_clock::time_point at{};
    std::uint64_t store_generation = 0;
    std::uint64_t stats_generation = 0;
  };
  Rendered metrics_plain{};
  Rendered metrics_gzip{};
  std::uint64_t metrics_renders = 0;  ///< how many renders were made, for tests
};

/// Answers `request`; `access` is what basic auth decided (granted when it is off).
HttpServerResponse handle_request(Endpoints& endpoints, const HttpRequest& request,
                                  std::string_view body, Access access = Access::granted);

}  // namespace mtasts::web
