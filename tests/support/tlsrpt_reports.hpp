// TLS-RPT reports for the tests that run the agent: an RFC 8460 report for one domain and one
// day, and storing it as a mail server's pipe would (`tlsrpt ingest`).
#pragma once

#include <ctime>
#include <string>

#include "common/time.hpp"
#include "run_process.hpp"

namespace mtasts::support {

struct ReportSpec {
  std::string domain;
  std::string organization = "Lab Sender";
  std::time_t day = 0;  ///< the UTC day the report covers (its midnight)
  int successful = 100;
  int failed = 0;
  std::string result_type = "sts-policy-fetch-error";
  std::string receiving_mx = "mx1.good.test";
};

/// Midnight UTC `days_ago` days before today.
inline std::time_t utc_day(int days_ago) {
  return std::time(nullptr) / 86400 * 86400 - static_cast<std::time_t>(days_ago) * 86400;
}

inline std::string tlsrpt_report_json(const ReportSpec& r) {
  std::string json =
      R"({"organization-name":")" + r.organization + R"(","report-id":")" + r.domain + "-" +
      std::to_string(r.day) + R"(","date-range":{"start-datetime":")" + rfc3339(r.day) +
      R"(","end-datetime":")" + rfc3339(r.day + 86399) +
      R"("},"policies":[{"policy":{"policy-type":"sts","policy-domain":")" + r.domain +
      R"("},"summary":{"total-successful-session-count":)" + std::to_string(r.successful) +
      R"(,"total-failure-session-count":)" + std::to_string(r.failed) + "}";
  if (r.failed > 0) {
    json += R"(,"failure-details":[{"result-type":")" + r.result_type +
            R"(","receiving-mx-hostname":")" + r.receiving_mx + R"(","failed-session-count":)" +
            std::to_string(r.failed) + "}]";
  }
  return json + "}]}";
}

/// Stores the report under `storage_dir` with the agent binary; the run, for its exit code.
inline ProcessRun ingest_report(const std::string& agent, const std::string& storage_dir,
                                const ReportSpec& report) {
  return run_process(agent, {"tlsrpt", "ingest", "--storage.path=" + storage_dir},
                     tlsrpt_report_json(report));
}

}  // namespace mtasts::support
