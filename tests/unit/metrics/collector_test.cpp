// Metric families rendered from reports: names, labels and values per domain.
#include "metrics/collector.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/utf8.hpp"
#include "metrics/families.hpp"
#include "metrics/process.hpp"
#include "probe/evaluate.hpp"
#include "recorded_check.hpp"
#include "sample_report.hpp"
#include "tlsrpt/report_store.hpp"

namespace mtasts::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string render(const state::DomainStore& store, const AgentStats& stats = {}) {
  return serialize(collect(store, stats));
}

TEST(Families, DeclaredInEnumOrderWithUniqueNames) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < metric_families().size(); ++i) {
    const auto& spec = metric_families()[i];
    EXPECT_EQ(static_cast<std::size_t>(spec.family), i) << spec.name;
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    // A scrape passes over the domains only for these.
    EXPECT_EQ(is_domain_family(spec.family), spec.labels.starts_with("domain")) << spec.name;
    EXPECT_TRUE(spec.name.starts_with("mtasts_") || spec.name.starts_with("process_")) << spec.name;
    if (spec.type == prometheus::MetricType::Counter) {
      EXPECT_TRUE(spec.name.ends_with("_total")) << spec.name;
    }
  }
}

TEST(Collector, HealthyDomain) {
  state::DomainStore store;
  store.retain({{"example.com", {{"team", "mail"}}}});
  auto r = support::healthy_facts();
  support::record_check(store, std::move(r), 1'800'000'000);
  const std::string text = render(store);
  EXPECT_THAT(text, HasSubstr("mtasts_domain_verdict{domain=\"example.com\",verdict=\"ok\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("mtasts_domain_verdict{domain=\"example.com\",verdict=\"fail\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("mtasts_domain_info{domain=\"example.com\",team=\"mail\"} 1\n"));
  EXPECT_THAT(
      text, HasSubstr("mtasts_policy_info{domain=\"example.com\",id=\"1\",mode=\"enforce\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("mtasts_policy_max_age_seconds{domain=\"example.com\"} 1209600\n"));
  EXPECT_THAT(text, HasSubstr("mtasts_policy_http_status_code{domain=\"example.com\"} 200\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "mtasts_policy_last_change_timestamp_seconds{domain=\"example.com\"} 1800000000\n"));
  EXPECT_THAT(
      text, HasSubstr("mtasts_mx_policy_match{domain=\"example.com\",mx=\"mx.example.com\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("mtasts_mx_starttls_success{domain=\"example.com\",mx=\"mx.example."
                              "com\",family=\"ipv4\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("family=\"ipv6\"")));  // no IPv6 address, no series
  EXPECT_THAT(text, HasSubstr("mtasts_mx_tls_version_info{domain=\"example.com\",mx=\"mx.example."
                              "com\",version=\"TLSv1.3\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("mtasts_cert_valid{domain=\"example.com\",host=\"mta-sts.example."
                              "com\",role=\"policy\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "mtasts_cert_valid{domain=\"example.com\",host=\"mx.example.com\",role=\"mx\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("mtasts_finding{")));
}

TEST(Collector, ExpiryIsExportedEvenWhenVerificationFailed) {
  state::DomainStore store;
  store.retain({{"example.com", {}}});
  auto r = support::healthy_facts();
  auto& cert = support::edit(r.mx[0].probes[0].tls).certificate;
  cert.verified = false;
  cert.not_after = 1'700'000'000;
  cert.problems = {net::CertProblem::expired};
  support::record_check(store, std::move(r), 1'800'000'000);
  const std::string text = render(store);
  EXPECT_THAT(text, HasSubstr("mtasts_cert_not_after_timestamp_seconds{domain=\"example.com\",host="
                              "\"mx.example.com\",role=\"mx\"} 1700000000\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "mtasts_cert_valid{domain=\"example.com\",host=\"mx.example.com\",role=\"mx\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("mtasts_finding{domain=\"example.com\",code=\"mx_cert_expired\","
                              "severity=\"error\",subject=\"mx.example.com\"} 1\n"));
}

TEST(Collector, RepeatedFindingsAreOneSeries) {
  state::DomainStore store;
  store.retain({{"example.com", {}}});
  auto r = support::healthy_facts();
  r.mx[0].lookup.addresses.push_back(asio::ip::make_address("192.0.2.26"));
  r.mx[0].probes.push_back(support::starttls_ok("192.0.2.26"));
  for (auto& p : r.mx[0].probes) {
    p.error = net::SmtpError::starttls_missing;
    p.stage = net::SmtpStage::starttls;
    p.tls.reset();
  }
  support::record_check(store, std::move(r), 1'800'000'000);
  const std::string text = render(store);
  const std::string series = "mtasts_finding{domain=\"example.com\",code=\"mx_starttls_missing\"";
  const auto first = text.find(series);
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(text.find(series, first + 1), std::string::npos);
}

TEST(Collector, AgentFiguresAlwaysPresent) {
  state::DomainStore store;
  AgentStats stats;
  stats.domains = 3;
  stats.checks_total = 7;
  stats.shard_index = 1;
  stats.shard_total = 4;
  stats.config_last_reload_successful = true;
  const std::string text = render(store, stats);
  EXPECT_THAT(text, HasSubstr("mtasts_agent_domains 3\n"));
  EXPECT_THAT(text, HasSubstr("mtasts_agent_checks_total 7\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE mtasts_agent_checks_total counter\n"));
  EXPECT_THAT(text, HasSubstr("mtasts_agent_shard_index 1\n"));
  EXPECT_THAT(text, HasSubstr("mtasts_agent_shards 4\n"));
  EXPECT_THAT(text, HasSubstr("mtasts_agent_config_last_reload_successful 1\n"));
  EXPECT_THAT(text, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(text, HasSubstr("# HELP mtasts_domain_verdict "));  // declared even when empty
  // Before any evidence about port 25, no sample: neither "up" nor "down" is known.
  EXPECT_THAT(text, Not(HasSubstr("\nmtasts_agent_port25_egress_up ")));
  stats.port25_egress_up = false;
  EXPECT_THAT(render(store, stats), HasSubstr("mtasts_agent_port25_egress_up 0\n"));
  stats.port25_egress_up = true;
  EXPECT_THAT(render(store, stats), HasSubstr("mtasts_agent_port25_egress_up 1\n"));
}

TEST(Collector, ProcessStartTimeWithoutProcStat) {
  // Taken at start-up rather than from /proc/stat, which systemd's ProcSubset=pid hides.
  const double start = process_start_time_seconds();
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(start, now - 3600);
  EXPECT_LE(start, now);
  const std::string text = render(state::DomainStore{}, AgentStats{});
  const auto at = text.find("\nprocess_start_time_seconds ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_DOUBLE_EQ(std::stod(text.substr(at + 28)), start);
}

TEST(Collector, PreviousPolicyExpiryOnlyAfterAChange) {
  state::DomainStore store;
  store.retain({{"a.example", {}}});
  auto first = support::healthy_facts("a.example", "1");
  support::record_check(store, std::move(first), 1000);
  EXPECT_THAT(render(store, AgentStats{}),
              Not(HasSubstr("mtasts_policy_previous_expiry_timestamp_seconds{")));
  auto changed = support::healthy_facts(
      "a.example", "2",
      "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 86400\r\n");
  support::record_check(store, std::move(changed), 5000);
  // The old policy (max_age 1209600) may be applied until 5000 + 1209600.
  EXPECT_THAT(render(store, AgentStats{}),
              HasSubstr("mtasts_policy_previous_expiry_timestamp_seconds{domain=\"a.example\"} "
                        "1214600\n"));
}

}  // namespace
}  // namespace mtasts::metrics

namespace mtasts::metrics {
namespace {

TEST(Collector, RenderingFamilyByFamilyGivesTheSameText) {
  state::DomainStore store;
  // Label values that need escaping (a target file's labels are the operator's text), and
  // sample values that are not integers: render writes the text itself, collect() goes
  // through prometheus-cpp's serializer, and the two must agree byte for byte.
  store.retain({{"example.com", {{"team", "mail"}, {"note", "say \"hi\" \\ to\nall"}}},
                {"example.net", {}},
                {"new.example", {}}});
  for (const char* domain : {"example.com", "example.net"}) {
    auto r = support::healthy_facts(domain);
    r.seconds = 1.0 / 3;
    support::record_check(store, std::move(r), 1'800'000'000);
  }
  // Every kind of sample a pass may skip: a policy history, senders' reports, DANE facts.
  support::record_check(store,
                        support::healthy_facts("example.com", "2",
                                               "version: STSv1\r\nmode: testing\r\nmx: "
                                               "mx.example.com\r\nmax_age: 86400\r\n"),
                        1'800'001'000);
  tlsrpt::ReportSummary report;
  report.domain = "example.com";
  report.organization = "Sender";
  report.policy_type = "sts";
  report.successful = 9;
  report.failed = 1;
  report.end = 1'800'000'500;
  report.failures = {{"certificate-expired", "mx.example.com", 1}};
  ASSERT_TRUE(store.add_sender_report(report));
  auto dane = support::healthy_facts("example.net");
  support::with_dane(dane);
  dane.seconds = 1.0 / 3;
  support::record_check(store, std::move(dane), 1'800'001'000);
  AgentStats stats;
  stats.domains = 3;
  const Collector collector(store, stats);
  // process_* values change between two reads; compare everything before them.
  const std::string all = serialize(collect(store, stats));
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{500}}) {
    std::string streamed;
    collector.Render([&streamed](std::string_view text) { streamed += text; }, chunk);
    EXPECT_EQ(streamed.substr(0, streamed.find("# HELP process_")),
              all.substr(0, all.find("# HELP process_")))
        << "chunks of " << chunk;
  }
  for (std::string_view sample :
       {"mtasts_policy_previous_expiry_timestamp_seconds{domain=\"example.com\"}",
        "note=\"say \\\"hi\\\" \\\\ to\\nall\"", " 0.3333333333333333\n",
        "mtasts_tlsrpt_failed_sessions_total{domain=\"example.com\"",
        "mtasts_mx_tlsa_match{domain=\"example.net\"",
        "mtasts_sender_policy{domain=\"example.net\",sender=\"dane\""}) {
    EXPECT_THAT(all, HasSubstr(sample));
  }
}

TEST(Collector, LabelValuesThatAreNotUtf8AreReplaced) {
  // Prometheus refuses a whole scrape for one label value that is not UTF-8: an MX host name
  // or a target file's label with stray bytes must cost only those bytes, in both renders.
  state::DomainStore store;
  store.retain({{"example.com", {{"team", "caf\xE9"}}}});
  auto r = support::healthy_facts();
  r.mx.at(0).host = "m\xC3x\xFF.example.com";
  support::record_check(store, std::move(r), 1'800'000'000);
  const std::string all = serialize(collect(store, {}));
  EXPECT_TRUE(is_valid_utf8(all));
  EXPECT_THAT(all, HasSubstr("team=\"caf\xEF\xBF\xBD\""));
  EXPECT_THAT(all, HasSubstr("mx=\"m\xEF\xBF\xBDx\xEF\xBF\xBD.example.com\""));
  std::string streamed;
  Collector(store, {}).Render([&streamed](std::string_view text) { streamed += text; }, 500);
  EXPECT_TRUE(is_valid_utf8(streamed));
  EXPECT_EQ(streamed.substr(0, streamed.find("# HELP process_")),
            all.substr(0, all.find("# HELP process_")));
}

}  // namespace
}  // namespace mtasts::metrics
