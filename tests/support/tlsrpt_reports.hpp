// TLS-RPT reports for the tests that run the agent: an RFC 8460 report for one domain and one
// day, and storing it as a mail server's pipe would (`tlsrpt ingest`).
#pragma once

#include <openssl/evp.h>

#include <ctime>
#include <string>

#include "common/gzip.hpp"
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

/// The report as reporters mail it (RFC 8460 §5.3): a multipart/report message to `to` whose
/// report part is the gzipped JSON, in base64 lines of 76.
inline std::string tlsrpt_report_mail(const ReportSpec& r, const std::string& to) {
  const std::string gz = gzip_compress(tlsrpt_report_json(r)).value();
  std::string b64(4 * ((gz.size() + 2) / 3) + 1, '\0');
  b64.resize(static_cast<std::size_t>(EVP_EncodeBlock(
      reinterpret_cast<unsigned char*>(b64.data()),
      reinterpret_cast<const unsigned char*>(gz.data()), static_cast<int>(gz.size()))));
  std::string lines;
  for (std::size_t at = 0; at < b64.size(); at += 76) lines += b64.substr(at, 76) + "\r\n";
  const std::string id = r.domain + "-" + std::to_string(r.day);
  return "From: TLS reports <tlsrpt-noreply@sender.test>\r\nTo: " + to +
         "\r\nSubject: Report Domain: " + r.domain + " Submitter: sender.test Report-ID: <" + id +
         "@sender.test>\r\nTLS-Report-Domain: " + r.domain +
         "\r\nTLS-Report-Submitter: sender.test\r\nMIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"part\"\r\n\r\n"
         "--part\r\nContent-Type: text/plain\r\n\r\nA TLS report.\r\n"
         "--part\r\nContent-Type: application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=\"sender.test!" +
         r.domain + "!" + std::to_string(r.day) + "!" + std::to_string(r.day + 86399) +
         ".json.gz\"\r\n\r\n" + lines + "--part--\r\n";
}

/// Stores the report under `storage_dir` with the agent binary; the run, for its exit code.
inline ProcessRun ingest_report(const std::string& agent, const std::string& storage_dir,
                                const ReportSpec& report) {
  return run_process(agent, {"tlsrpt", "ingest", "--storage.path=" + storage_dir},
                     tlsrpt_report_json(report));
}

}  // namespace mtasts::support
