// RFC 8460 §4.4 reports: the shapes real reporters send are read; what breaks the RFC is refused
// with the field named.
#include "mtasts/tlsrpt_report.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "scratch.hpp"

namespace mtasts::tlsrpt {
namespace {

std::string testdata(const std::string& name) {
  return support::testdata("tlsrpt/" + name);
}

// A valid report with one field replaced by `field` (a JSON member) in its first policy's
// summary, or in the top level.
std::string minimal(const std::string& top = "", const std::string& summary = "") {
  return R"({"organization-name":"Org","report-id":"r1",)"
         R"("date-range":{"start-datetime":"2026-11-29T00:00:00Z","end-datetime":"2026-11-29T23:59:59Z"},)" +
         top +
         R"("policies":[{"policy":{"policy-type":"sts","policy-domain":"example.org"},)"
         R"("summary":{)" +
         (summary.empty() ? R"("total-successful-session-count":1,"total-failure-session-count":0)"
                          : summary) +
         "}}]}";
}

TEST(ParseReport, ReadsTheRfcExample) {
  const auto report = parse_report(testdata("rfc8460-example.json"));
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(report->organization, "Company-X");
  EXPECT_EQ(report->report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
  EXPECT_EQ(report->contact_info, "sts-reporting@company-x.example");
  EXPECT_EQ(report->start, 1459468800);
  EXPECT_EQ(report->end, 1459468800 + 86399);
  ASSERT_EQ(report->policies.size(), 1u);
  const auto& policy = report->policies[0];
  EXPECT_EQ(policy.type, PolicyType::sts);
  EXPECT_EQ(policy.domain, "company-y.example");
  EXPECT_EQ(policy.policy_strings.size(), 4u);
  EXPECT_EQ(policy.mx_hosts, std::vector<std::string>{"*.mail.company-y.example"});
  EXPECT_EQ(policy.successful_sessions, 5326u);
  EXPECT_EQ(policy.failed_sessions, 303u);
  ASSERT_EQ(policy.failures.size(), 3u);
  EXPECT_EQ(policy.failures[0].result_type, ResultType::certificate_expired);
  EXPECT_EQ(policy.failures[0].receiving_mx_hostname, "mx1.mail.company-y.example");
  EXPECT_EQ(policy.failures[0].sending_mta_ip, "2001:db8:abcd:0012::1");
  EXPECT_EQ(policy.failures[1].result_type, ResultType::starttls_not_supported);
  EXPECT_EQ(policy.failures[1].receiving_ip, "203.0.113.56");
  EXPECT_EQ(policy.failures[2].result_type, ResultType::validation_failure);
  // The RFC's own example spells it "failure-error-code" (erratum 5785 and senders follow it).
  EXPECT_EQ(policy.failures[2].failure_reason_code, "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED");
  EXPECT_EQ(failed_sessions(*report), 303u);
  EXPECT_EQ(successful_sessions(*report, "company-y.example"), 5326u);
  EXPECT_EQ(successful_sessions(*report, "other.example"), 0u);
}

TEST(ParseReport, AcceptsTheVariantsRealReportersSend) {
  const auto list = parse_report(testdata("list-mx-host.json"));
  ASSERT_TRUE(list) << list.error();
  EXPECT_EQ(list->policies[0].mx_hosts,
            (std::vector<std::string>{"mx1.example.org", "mx2.example.org"}));
  EXPECT_TRUE(list->policies[0].failures.empty());

  const auto offsets = parse_report(testdata("offset-times-reason-code.json"));
  ASSERT_TRUE(offsets) << offsets.error();
  EXPECT_EQ(offsets->end - offsets->start, 86400);
  const auto& detail = offsets->policies[0].failures[0];
  EXPECT_EQ(detail.result_type, ResultType::certificate_host_mismatch);
  EXPECT_EQ(detail.receiving_mx_hostname, "mx1.example.org");  // "MX1.example.org."
  EXPECT_EQ(detail.receiving_mx_helo, "mx1.example.org");
  EXPECT_EQ(detail.failure_reason_code, "hostname mismatch");

  const auto none = parse_report(testdata("no-policy-found.json"));
  ASSERT_TRUE(none) << none.error();
  EXPECT_EQ(none->contact_info, "");
  EXPECT_EQ(none->policies[0].type, PolicyType::no_policy_found);
  EXPECT_EQ(none->policies[0].failures[0].result_type, ResultType::sts_policy_fetch_error);
  EXPECT_EQ(none->policies[0].failures[1].result_type, ResultType::other);
  EXPECT_EQ(none->policies[0].failures[1].result_type_text, "something-new");

  // policy-string as one string, an internationalized policy domain.
  const auto variant = parse_report(
      R"({"organization-name":"O","report-id":"x","date-range":{"start-datetime":"2026-11-29T00:00:00Z","end-datetime":"2026-11-30T00:00:00Z"},"policies":[{"policy":{"policy-type":"tlsa","policy-string":"3 1 1 abcd","policy-domain":"Bücher.Example."},"summary":{"total-successful-session-count":0,"total-failure-session-count":0}}]})");
  ASSERT_TRUE(variant) << variant.error();
  EXPECT_EQ(variant->policies[0].type, PolicyType::tlsa);
  EXPECT_EQ(variant->policies[0].domain, "xn--bcher-kva.example");
  EXPECT_EQ(variant->policies[0].policy_strings, std::vector<std::string>{"3 1 1 abcd"});
}

TEST(ParseReport, NamesWhatBreaksTheRfc) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not JSON"},
      {"[]", "the report is not an object"},
      {"{\"organization-name\":\"O\"", "not JSON"},
      {R"({"report-id":"r"})", "organization-name is missing"},
      {R"({"organization-name":"","report-id":"r"})", "organization-name is empty"},
      {R"({"organization-name":7,"report-id":"r"})", "organization-name is not a string"},
      {R"({"organization-name":"O"})", "report-id is missing"},
      {R"({"organization-name":"O","report-id":"r"})", "date-range is missing"},
      {R"({"organization-name":"O","report-id":"r","date-range":{"start-datetime":"yesterday","end-datetime":"2026-11-29T23:59:59Z"}})",
       "date-range.start-datetime: 'yesterday' is not an RFC 3339 date-time"},
      {R"({"organization-name":"O","report-id":"r","date-range":{"start-datetime":"2026-11-29T00:00:00Z","end-datetime":"2026-11-28T23:59:59Z"}})",
       "date-range ends before it starts"},
      {R"({"organization-name":"O","report-id":"r","date-range":{"start-datetime":"2026-01-01T00:00:00Z","end-datetime":"2026-11-28T23:59:59Z"}})",
       "date-range covers more than 31 days"},
      {R"({"organization-name":"O","report-id":"r","date-range":{"start-datetime":"2026-11-29T00:00:00Z","end-datetime":"2026-11-29T23:59:59Z"}})",
       "policies is missing"},
      {R"({"organization-name":"O","report-id":"r","date-range":{"start-datetime":"2026-11-29T00:00:00Z","end-datetime":"2026-11-29T23:59:59Z"},"policies":[]})",
       "policies is empty"},
      {minimal("", R"("total-successful-session-count":1)"),
       "policies[0].summary.total-failure-session-count is missing"},
      {minimal("", R"("total-successful-session-count":-1,"total-failure-session-count":0)"),
       "policies[0].summary.total-successful-session-count is not a whole number"},
      {minimal("", R"("total-successful-session-count":1.5,"total-failure-session-count":0)"),
       "is not a whole number"},
      {minimal("", R"("total-successful-session-count":"1","total-failure-session-count":0)"),
       "is not a whole number"},
  };
  for (const auto& [json, expected] : cases) {
    const auto report = parse_report(json);
    ASSERT_FALSE(report) << json;
    EXPECT_NE(report.error().find(expected), std::string::npos)
        << json << "\n  error: " << report.error() << "\n  expected: " << expected;
  }
  EXPECT_TRUE(parse_report(minimal())) << parse_report(minimal()).error();
}

TEST(ParseReport, NamesBadPoliciesAndFailureDetails) {
  const auto with_policy = [](const std::string& policy, const std::string& details = "") {
    return R"({"organization-name":"O","report-id":"r","date-range":{"start-datetime":"2026-11-29T00:00:00Z","end-datetime":"2026-11-29T23:59:59Z"},"policies":[{"policy":)" +
           policy +
           R"(,"summary":{"total-successful-session-count":1,"total-failure-session-count":1})" +
           details + "}]}";
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with_policy(R"({"policy-domain":"example.org"})"),
       "policies[0].policy.policy-type is missing"},
      {with_policy(R"({"policy-type":"dmarc","policy-domain":"example.org"})"),
       "policies[0].policy.policy-type 'dmarc' is none of sts, tlsa, no-policy-found"},
      {with_policy(R"({"policy-type":"sts"})"), "policies[0].policy.policy-domain is missing"},
      {with_policy(R"({"policy-type":"sts","policy-domain":"not a domain"})"),
       "policies[0].policy.policy-domain:"},
      {with_policy(R"({"policy-type":"sts","policy-domain":"example.org","mx-host":5})"),
       "policies[0].policy.mx-host is not a list of strings"},
      {with_policy(R"({"policy-type":"sts","policy-domain":"example.org","mx-host":["a",1]})"),
       "policies[0].policy.mx-host[1] is not a string"},
      {with_policy(R"({"policy-type":"sts","policy-domain":"example.org"})",
                   R"(,"failure-details":{})"),
       "policies[0].failure-details is not a list"},
      {with_policy(R"({"policy-type":"sts","policy-domain":"example.org"})",
                   R"(,"failure-details":[{"failed-session-count":1}])"),
       "policies[0].failure-details[0].result-type is missing"},
      {with_policy(R"({"policy-type":"sts","policy-domain":"example.org"})",
                   R"(,"failure-details":[{"result-type":"certificate-expired"}])"),
       "policies[0].failure-details[0].failed-session-count is missing"},
  };
  for (const auto& [json, expected] : cases) {
    const auto report = parse_report(json);
    ASSERT_FALSE(report) << json;
    EXPECT_NE(report.error().find(expected), std::string::npos)
        << json << "\n  error: " << report.error() << "\n  expected: " << expected;
  }
}

TEST(ParseReport, RefusesWhatIsBeyondItsLimits) {
  std::string deep = minimal(R"("x":)" + std::string(100, '[') + std::string(100, ']') + ",");
  const auto nested = parse_report(deep);
  ASSERT_FALSE(nested);
  EXPECT_NE(nested.error().find("nests deeper than 16"), std::string::npos) << nested.error();

  ReportLimits small;
  small.max_json_bytes = 100;
  const auto large = parse_report(minimal(), small);
  ASSERT_FALSE(large);
  EXPECT_NE(large.error().find("larger than 100 bytes"), std::string::npos);

  const auto long_text =
      parse_report(minimal(R"("contact-info":")" + std::string(2000, 'a') + "\","));
  ASSERT_FALSE(long_text);
  EXPECT_NE(long_text.error().find("contact-info is longer than 1024"), std::string::npos);

  small = {};
  small.max_failure_details = 2;
  const auto many = parse_report(testdata("rfc8460-example.json"), small);
  ASSERT_FALSE(many);
  EXPECT_NE(many.error().find("more than 2 failure details"), std::string::npos);
}

TEST(ParseReport, SumsSaturateInsteadOfWrapping) {
  const std::string huge = "18446744073709551615";
  const std::string json =
      R"({"organization-name":"O","report-id":"r","date-range":{"start-datetime":"2026-11-29T00:00:00Z","end-datetime":"2026-11-29T23:59:59Z"},"policies":[)"
      R"({"policy":{"policy-type":"sts","policy-domain":"example.org"},"summary":{"total-successful-session-count":)" +
      huge + R"(,"total-failure-session-count":)" + huge +
      R"(}},{"policy":{"policy-type":"sts","policy-domain":"example.org"},"summary":{"total-successful-session-count":5,"total-failure-session-count":5}}]})";
  const auto report = parse_report(json);
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(failed_sessions(*report), UINT64_MAX);
  EXPECT_EQ(successful_sessions(*report), UINT64_MAX);
}

}  // namespace
}  // namespace mtasts::tlsrpt
