// The daemon's routes over a hand-filled store: status codes, content types, what each says.
#include "web/endpoints.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "probe/evaluate.hpp"
#include "recorded_check.hpp"
#include "sample_report.hpp"
#include "web/report_charts.hpp"
#include "web/status_page.hpp"

namespace mtasts::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class EndpointsTest : public ::testing::Test {
 protected:
  EndpointsTest() {
    store_.retain({{"good.example", {}}, {"bad.example", {}}, {"new.example", {}}});
    auto good = support::healthy_facts("good.example");
    support::record_check(store_, std::move(good), 1000);
    auto bad = support::healthy_facts("bad.example");
    bad.mx[0].probes[0].error = net::SmtpError::starttls_missing;
    bad.mx[0].probes[0].stage = net::SmtpStage::starttls;
    bad.mx[0].probes[0].tls.reset();
    support::record_check(store_, std::move(bad), 1000);
  }

  HttpServerResponse get(const std::string& target, const std::string& method = "GET",
                         const std::string& extra = "") {
    auto request =
        parse_request_head(method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n");
    return handle_request(endpoints_, request.value(), "");
  }

  state::DomainStore store_;
  metrics::AgentStats stats_;
  metrics::Collector collector_{store_, stats_};
  bool ready_ = false;
  std::string reload_problem_;
  int reloads_ = 0;
  Endpoints endpoints_{.store = store_,
                       .stats = stats_,
                       .collector = collector_,
                       .version = "1.2.3",
                       .ready = [this] { return ready_; },
                       .reload = [this]() -> Result<void> {
                         ++reloads_;
                         if (!reload_problem_.empty()) return failure(reload_problem_);
                         return {};
                       },
                       .next_check = [](const std::string&) { return std::nullopt; }};
};

TEST_F(EndpointsTest, HealthAndReadiness) {
  EXPECT_EQ(get("/-/healthy").status, 200);
  const auto not_ready = get("/-/ready");
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_THAT(not_ready.body, HasSubstr("2 of 3 domains checked"));
  ready_ = true;
  EXPECT_EQ(get("/-/ready").status, 200);
}

TEST_F(EndpointsTest, ReloadOnlyByPostAndOnlyWithTheLifecycleApi) {
  EXPECT_EQ(get("/-/reload", "POST").status, 403);  // off by default, as in Prometheus
  EXPECT_EQ(reloads_, 0);
  endpoints_.lifecycle = true;
  EXPECT_EQ(get("/-/reload").status, 405);
  EXPECT_EQ(reloads_, 0);
  EXPECT_EQ(get("/-/reload", "POST").status, 200);
  reload_problem_ = "/etc/mta-sts-agent/mta-sts-agent.yml:3: global.interval: \"secret\"";
  const auto failed = get("/-/reload", "POST");
  EXPECT_EQ(failed.status, 500);
  // Paths and configuration values stay in the log, never in the answer.
  EXPECT_THAT(failed.body, Not(HasSubstr("/etc")));
  EXPECT_THAT(failed.body, Not(HasSubstr("secret")));
  EXPECT_EQ(reloads_, 2);
}

TEST_F(EndpointsTest, SafeDefaultHeadersAndNoReflectedPaths) {
  const auto page = get("/");
  auto header = [](const HttpServerResponse& r, std::string_view name) -> std::string {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "";
  };
  EXPECT_EQ(header(page, "X-Content-Type-Options"), "nosniff");
  EXPECT_THAT(header(page, "Content-Security-Policy"), HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(header(page, "Content-Security-Policy"), HasSubstr("default-src 'none'"));
  // The web config may set its own.
  endpoints_.extra_headers = {{"Content-Security-Policy", "default-src 'self'"}};
  const auto own = get("/");
  EXPECT_EQ(header(own, "Content-Security-Policy"), "default-src 'self'");
  std::size_t csp = 0;
  for (const auto& h : own.headers) csp += h.first == "Content-Security-Policy" ? 1U : 0U;
  EXPECT_EQ(csp, 1u);
  // Error pages do not echo what the client sent.
  EXPECT_THAT(get("/domains/%3Cscript%3E.example").body, Not(HasSubstr("script")));
  EXPECT_THAT(get("/api/v1/domains/evil.example").body, Not(HasSubstr("evil")));
}

TEST_F(EndpointsTest, MetricsInTheTextFormat) {
  const auto response = get("/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.content_type, HasSubstr("version=0.0.4"));
  EXPECT_THAT(std::string(response.payload()),
              HasSubstr("mtasts_domain_verdict{domain=\"bad.example\",verdict=\"fail\"} 1"));
  EXPECT_THAT(std::string(response.payload()),
              HasSubstr("mtasts_domain_info{domain=\"new.example\"} 1"));
}

TEST_F(EndpointsTest, ConcurrentScrapesShareOneRender) {
  endpoints_.metrics_reuse = std::chrono::hours(1);
  const auto first = get("/metrics");
  const auto second = get("/metrics");
  ASSERT_TRUE(first.shared_body);
  EXPECT_EQ(first.shared_body, second.shared_body);  // one buffer, not two copies
  EXPECT_EQ(endpoints_.metrics_renders, 1u);
  // Each encoding has its render.
  const auto gzip = get("/metrics", "GET", "Accept-Encoding: gzip\r\n");
  EXPECT_NE(gzip.shared_body, first.shared_body);
  EXPECT_EQ(endpoints_.metrics_renders, 2u);
  // A finished check makes the next scrape render anew, however young the last render is.
  auto fixed = support::healthy_facts("bad.example");
  support::record_check(store_, std::move(fixed), 2000);
  const auto after = get("/metrics");
  EXPECT_EQ(endpoints_.metrics_renders, 3u);
  EXPECT_THAT(std::string(after.payload()),
              HasSubstr("mtasts_domain_verdict{domain=\"bad.example\",verdict=\"ok\"} 1"));
  // So does a reload (a failed one changes no domain).
  stats_.config_last_reload_successful = false;
  ++stats_.generation;
  EXPECT_THAT(std::string(get("/metrics").payload()),
              HasSubstr("mtasts_agent_config_last_reload_successful 0"));
  EXPECT_EQ(endpoints_.metrics_renders, 4u);
}

TEST_F(EndpointsTest, AnOldRenderIsNotServedAgain) {
  endpoints_.metrics_reuse = std::chrono::milliseconds(0);
  get("/metrics");
  get("/metrics");
  EXPECT_EQ(endpoints_.metrics_renders, 2u);
}

TEST_F(EndpointsTest, WhatBasicAuthDecided) {
  const auto request = (parse_request_head("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")).value();
  const auto denied = handle_request(endpoints_, request, "", Access::denied);
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.headers.at(0).first, "WWW-Authenticate");
  const auto busy = handle_request(endpoints_, request, "", Access::busy);
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(busy.headers.at(0).first, "Retry-After");
  EXPECT_FALSE(busy.shared_body);  // no metrics rendered for either
  EXPECT_EQ(endpoints_.metrics_renders, 0u);
}

TEST_F(EndpointsTest, ApiListsCheckedDomainsWithTheCheckJson) {
  const auto all = get("/api/v1/domains");
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.content_type, "application/json");
  auto json = nlohmann::json::parse(all.body);
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["domain"], "bad.example");
  EXPECT_EQ(json[0]["verdict"], "fail");

  const auto one = nlohmann::json::parse(get("/api/v1/domains/Good.Example.").body);
  EXPECT_EQ(one["verdict"], "ok");
  EXPECT_EQ(one["agent"]["recent"].size(), 1u);
  EXPECT_EQ(get("/api/v1/domains/new.example").status, 503);
  EXPECT_EQ(get("/api/v1/domains/other.example").status, 404);
}

TEST_F(EndpointsTest, StatusPageListsWorstFirst) {
  const auto page = get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.content_type, HasSubstr("text/html"));
  const auto bad = page.body.find("data-domain=\"bad.example\"");
  const auto good = page.body.find("data-domain=\"good.example\"");
  const auto fresh = page.body.find("data-domain=\"new.example\"");
  ASSERT_NE(bad, std::string::npos);
  EXPECT_LT(bad, good);
  EXPECT_LT(good, fresh);  // not checked yet: last
  EXPECT_THAT(page.body, HasSubstr("mx_starttls_missing"));
  EXPECT_THAT(page.body, HasSubstr("enforce"));

  const auto domain = get("/domains/bad.example");
  EXPECT_EQ(domain.status, 200);
  EXPECT_THAT(domain.body, HasSubstr("Enable STARTTLS"));  // the advice of each finding
  EXPECT_THAT(domain.body, HasSubstr("starttls_missing"));
  EXPECT_EQ(get("/domains/nope.example").status, 404);
  EXPECT_THAT(domain.body, Not(HasSubstr("previous-expiry")));  // nothing changed
}

TEST_F(EndpointsTest, DomainPageShowsUntilWhenThePreviousPolicyMayBeApplied) {
  auto changed = support::healthy_facts("good.example", "2",
                                        "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n");
  support::record_check(store_, std::move(changed), 1'800'000'000);
  const auto page = get("/domains/good.example");
  // 1800000000 + 1209600 (the old policy's max_age) = 2027-01-29T08:00:00Z
  EXPECT_THAT(page.body, HasSubstr("previous policy may be applied until"));
  EXPECT_THAT(page.body, HasSubstr("2027-01-29T08:00:00Z"));
}

// What senders reported: the daily chart and a row per report on the domain page, and on the
// overview the 2-day count, domains with reported failures first within a verdict.
TEST_F(EndpointsTest, SenderReportsOnTheStatusPages) {
  const std::time_t now = std::time(nullptr);
  const std::time_t yesterday = now / 86400 * 86400 - 86400;
  tlsrpt::ReportSummary report;
  report.row = 1;
  report.organization = "Big <Provider>";
  report.report_id = "r1";
  report.start = yesterday;
  report.end = yesterday + 86399;
  report.source = "mail";
  report.domain = "good.example";
  report.policy_type = "sts";
  report.successful = 900;
  report.failed = 12;
  report.failures = {{"certificate-expired", "mx1.good.example", 12}};
  std::string asked;
  endpoints_.sender_reports = [&](const std::string& domain, std::time_t since) {
    asked = domain;
    EXPECT_LE(since, now - 30 * 86400 + 5);
    return std::vector<tlsrpt::ReportSummary>{report};
  };
  const auto page = get("/domains/good.example");
  EXPECT_EQ(asked, "good.example");
  EXPECT_THAT(page.body, HasSubstr("What senders reported (TLS-RPT, last 30 days)"));
  EXPECT_THAT(page.body, HasSubstr("<svg class=\"chart\" id=\"sessions-chart\""));
  EXPECT_THAT(page.body, HasSubstr("<title>" + utc_date(yesterday) + ": 900 successful</title>"));
  EXPECT_THAT(page.body, HasSubstr("<title>" + utc_date(yesterday) + ": 12 failed</title>"));
  EXPECT_THAT(page.body, HasSubstr("Big &lt;Provider&gt;"));
  EXPECT_THAT(page.body, HasSubstr("<code>certificate-expired</code> 12 at mx1.good.example"));

  endpoints_.sender_reports = [](const std::string&, std::time_t) {
    return std::vector<tlsrpt::ReportSummary>{};
  };
  EXPECT_THAT(get("/domains/good.example").body, HasSubstr("No report."));

  // Two domains with warnings, one of them from its senders' reports: within the verdict,
  // reported failures first (z before a), with the 2-day count.
  store_.retain({{"a.example", {}}, {"z.example", {}}});
  auto a_facts = support::healthy_facts("a.example");
  a_facts.tlsrpt.records.clear();  // tlsrpt_missing: a warning
  support::record_check(store_, std::move(a_facts), 1000);
  auto z = support::healthy_facts("z.example");
  z.sender_reports = tlsrpt::RecentReports{};
  z.sender_reports->reports = 1;
  z.sender_reports->successful = 95;
  z.sender_reports->failed = 1;
  z.sender_reports->failures = {{"validation-failure", 1, {}}};
  support::record_check(store_, std::move(z), 1000);
  const auto overview = get("/").body;
  const auto a = overview.find("data-domain=\"a.example\"");
  const auto zz = overview.find("data-domain=\"z.example\"");
  ASSERT_NE(zz, std::string::npos);
  EXPECT_LT(zz, a);
  EXPECT_THAT(overview, HasSubstr("<span class=\"s-error\">1 failed</span> of 96"));
}

// Certificates on a countdown: per host on the domain page, the next to expire on the overview.
TEST_F(EndpointsTest, CertificateCountdowns) {
  const auto domain = get("/domains/good.example").body;
  EXPECT_THAT(domain, HasSubstr("<svg class=\"chart\" id=\"expiry-countdown\""));
  EXPECT_THAT(domain, HasSubstr("policy mta-sts.good.example"));
  EXPECT_THAT(domain, HasSubstr("mx mx.example.com"));
  const auto overview = get("/").body;
  EXPECT_THAT(overview, HasSubstr("Certificates that expire next"));
  EXPECT_THAT(overview, HasSubstr("id=\"expiry-timeline\""));
}

// The last 30 days as a strip of squares, coloured by each day's worst verdict.
TEST_F(EndpointsTest, DomainPageShowsTheLast30Days) {
  const std::time_t now = std::time(nullptr);
  auto failing = support::healthy_facts("good.example");
  failing.tlsrpt.records.clear();
  failing.sts.records.clear();  // sts_record_missing: fail
  failing.started = std::chrono::system_clock::from_time_t(now - 86400);
  support::record_check(store_, std::move(failing), now - 86400);
  const auto page = get("/domains/good.example").body;
  EXPECT_THAT(page, HasSubstr("id=\"verdict-strip\""));
  EXPECT_THAT(page, HasSubstr("<title>" + utc_date(now - 86400) + ": fail</title>"));
  EXPECT_THAT(page, HasSubstr("<title>" + utc_date(now - 2 * 86400) + ": no check</title>"));
}

TEST(ExpiryCountdown, ColoursByDaysLeftAndMarksExpired) {
  const std::time_t now = 1'800'000'000;
  const std::string svg = expiry_countdown_svg({{"mx old.example", now - 2 * 86400, false},
                                                {"mx soon.example", now + 10 * 86400, true},
                                                {"policy fine.example", now + 60 * 86400, true}},
                                               now, "t");
  EXPECT_THAT(svg, HasSubstr("expired 2 d ago"));
  EXPECT_THAT(svg, HasSubstr("class=\"failed\""));
  EXPECT_THAT(svg, HasSubstr("class=\"soon\""));
  EXPECT_THAT(svg, HasSubstr(">60 d</text>"));
  EXPECT_THAT(svg, HasSubstr(", not verified</title>"));
  EXPECT_THAT(expiry_countdown_svg({{"<b>", now, true}}, now, "x"), HasSubstr("&lt;b&gt;"));
}

TEST_F(EndpointsTest, UnknownPathsAndMethods) {
  EXPECT_EQ(get("/nope").status, 404);
  const auto response = get("/metrics", "DELETE");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.headers.at(0).first, "Allow");
}

TEST(StatusPage, EscapesHtml) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace mtasts::web
