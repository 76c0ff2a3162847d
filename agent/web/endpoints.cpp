#include "web/endpoints.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "common/gzip.hpp"
#include "common/log.hpp"
#include "common/time.hpp"
#include "mtasts/domain_name.hpp"
#include "mtasts/text.hpp"
#include "report/check_json.hpp"
#include "web/status_page.hpp"

namespace mtasts::web {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kHtml = "text/html; charset=utf-8";
// The text exposition format that Prometheus negotiates by default.
constexpr std::string_view kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

HttpServerResponse text(int status, std::string body) {
  return HttpServerResponse{.status = status, .body = std::move(body) + "\n"};
}

HttpServerResponse json(int status, const report::Json& value) {
  return HttpServerResponse{
      .status = status, .content_type = std::string(kJson), .body = report::dump(value) + "\n"};
}

HttpServerResponse json_error(int status, std::string message) {
  return json(status, report::Json{{"error", std::move(message)}});
}

HttpServerResponse method_not_allowed(std::string_view allowed) {
  auto response = text(405, fmt::format("method not allowed; use {}", allowed));
  response.headers.emplace_back("Allow", allowed);
  return response;
}

report::Json domain_json(const Endpoints& e, const std::string& domain,
                         const state::DomainEntry& entry, bool with_history) {
  report::Json out = report::to_json(*entry.report);
  if (!with_history) return out;
  report::Json agent = {{"labels", entry.labels}};
  if (auto next = e.next_check(domain)) {
    agent["next_check"] = rfc3339(std::chrono::system_clock::to_time_t(*next));
  } else {
    agent["next_check"] = nullptr;
  }
  if (entry.history) {
    agent["policy_last_change"] = rfc3339(entry.history->last_change);
    agent["mode_since"] = entry.history->mode_since != 0
                              ? report::Json(rfc3339(entry.history->mode_since))
                              : report::Json(nullptr);
  }
  report::Json recent = report::Json::array();
  for (const auto& s : entry.recent) {
    std::vector<std::string_view> codes;
    for (auto code : s.codes) codes.push_back(to_string(code));
    recent.push_back({{"started", rfc3339(s.at)},
                      {"verdict", probe::to_string(s.verdict)},
                      {"seconds", s.seconds},
                      {"codes", codes}});
  }
  agent["recent"] = std::move(recent);
  out["agent"] = std::move(agent);
  return out;
}

/// The render of `rendered`'s encoding, made anew when it is too old or a domain changed.
std::shared_ptr<const std::string> render_metrics(Endpoints& e, Endpoints::Rendered& rendered,
                                                  bool gzip) {
  const auto now = std::chrono::steady_clock::now();
  if (rendered.body && rendered.store_generation == e.store.generation() &&
      rendered.stats_generation == e.stats.generation && now - rendered.at < e.metrics_reuse) {
    return rendered.body;
  }
  std::string body;
  if (gzip) {
    // Level 3: a third of level 6's CPU for a body about 10% larger (10,000 domains:
    // 22 MB of text become 1.2-1.4 MB either way).
    GzipWriter writer(3);
    e.collector.Render([&writer](std::string_view text) { writer.append(text); });
    auto compressed = writer.finish();
    if (!compressed) {
      log::warn("cannot gzip /metrics; serving it uncompressed", {{"err", compressed.error()}});
      return nullptr;
    }
    body = std::move(*compressed);
  } else {
    e.collector.Render([&body](std::string_view text) { body += text; });
  }
  ++e.metrics_renders;
  rendered = {std::make_shared<const std::string>(std::move(body)), now, e.store.generation(),
              e.stats.generation};
  return rendered.body;
}

HttpServerResponse metrics(Endpoints& e, bool accepts_gzip) {
  HttpServerResponse response{.status = 200, .content_type = std::string(kMetricsType)};
  if (accepts_gzip) {
    if ((response.shared_body = render_metrics(e, e.metrics_gzip, true))) {
      response.headers.emplace_back("Content-Encoding", "gzip");
      return response;
    }
  }
  response.shared_body = render_metrics(e, e.metrics_plain, false);
  return response;
}

HttpServerResponse route(Endpoints& e, const HttpRequest& request) {
  const std::string& path = request.path;
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (path == "/-/reload") {
    if (request.method != "POST" && request.method != "PUT") return method_not_allowed("POST, PUT");
    if (!e.lifecycle) return text(403, "Lifecycle API is not enabled.");
    // What was wrong goes to the log only: it names files and configuration values.
    if (!e.reload()) {
      return text(500, "failed to reload config; the running configuration stays (see the log)");
    }
    return text(200, "config reloaded");
  }
  if (!get) return method_not_allowed("GET, HEAD");
  if (path == "/metrics") return metrics(e, request.accepts_gzip());
  if (path == "/-/healthy") return text(200, "mta-sts-agent is Healthy.");
  if (path == "/-/ready") {
    if (e.ready()) return text(200, "mta-sts-agent is Ready.");
    return text(503, fmt::format("not ready: {} of {} domains checked once",
                                 e.store.checked_count(), e.store.entries().size()));
  }
  PageContext page{e.store, e.stats, e.version};
  page.sender_reports = e.sender_reports;
  if (path == "/") {
    return HttpServerResponse{
        .status = 200, .content_type = std::string(kHtml), .body = render_status_page(page)};
  }
  if (path == "/api/v1/domains") {
    report::Json all = report::Json::array();
    for (const auto& [domain, entry] : e.store.entries()) {
      if (entry.report) all.push_back(domain_json(e, domain, entry, false));
    }
    return json(200, all);
  }
  constexpr std::string_view kApiPrefix = "/api/v1/domains/";
  constexpr std::string_view kPagePrefix = "/domains/";
  const bool api = path.starts_with(kApiPrefix);
  if (api || path.starts_with(kPagePrefix)) {
    const std::string domain =
        canonical_name(path.substr(api ? kApiPrefix.size() : kPagePrefix.size()));
    const auto* entry = e.store.find(domain);
    if (!entry) {
      // The path is not echoed back: an error page never reflects what the client sent.
      const std::string message = "not a domain this agent checks";
      return api ? json_error(404, message) : text(404, message);
    }
    if (!api) {
      return HttpServerResponse{
          .status = 200,
          .content_type = std::string(kHtml),
          .body = render_domain_page(page, domain, *entry, e.next_check(domain))};
    }
    if (!entry->report) return json_error(503, fmt::format("{} has not been checked yet", domain));
    return json(200, domain_json(e, domain, *entry, true));
  }
  return text(404, "not found; try /, /metrics, /api/v1/domains, /-/healthy, /-/ready");
}

}  // namespace

constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kDefaultSecurityHeaders = {{
    {"X-Content-Type-Options", "nosniff"},
    {"Content-Security-Policy",
     "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"},
}};

HttpServerResponse handle_request(Endpoints& e, const HttpRequest& request, std::string_view,
                                  Access access) {
  HttpServerResponse response;
  if (access == Access::denied) {
    response = text(401, "Unauthorized");
    response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"mta-sts-agent\"");
  } else if (access == Access::busy) {
    response = text(429, "too many password checks under way; try again");
    response.headers.emplace_back("Retry-After", "1");
  } else {
    response = route(e, request);
  }
  for (const auto& header : e.extra_headers) response.headers.push_back(header);
  // Safe defaults unless the web config sets them: no MIME sniffing, no framing, and pages
  // that load nothing from elsewhere and run no script (the status page has none).
  for (const auto& [name, value] : kDefaultSecurityHeaders) {
    const bool set = std::any_of(e.extra_headers.begin(), e.extra_headers.end(),
                                 [&name](const auto& h) { return iequals_ascii(h.first, name); });
    if (!set) response.headers.emplace_back(std::string(name), std::string(value));
  }
  return response;
}

}  // namespace mtasts::web
