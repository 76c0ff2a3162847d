/// @file
/// @brief The HTTPS way in for TLS-RPT reports (RFC 8460 §3, `rua=https://...`): a POST of
/// application/tlsrpt+gzip or application/tlsrpt+json, on a listener of its own
/// (--tlsrpt.listen-address) because it faces the internet without authentication. Reports are
/// taken only for the domains the agent checks; each sending address may post a few a minute.
/// Answers as RFC 8460 §5.4 asks: a 2xx when the report is taken (201 new, 200 already stored),
/// a 4xx that says why not.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "tlsrpt/ingest.hpp"
#include "tlsrpt/report_store.hpp"
#include "web/http_request.hpp"

namespace mtasts::web {

struct TlsRptReceiverOptions {
  /// Reports one sending address may post in a minute (and at once): a sender posts one per
  /// domain a day.
  std::size_t per_source_per_minute = 60;
  /// Sending addresses remembered for the limit; beyond, posts are refused until some go idle.
  std::size_t max_sources = 4096;
  tlsrpt::InputLimits limits;
};

class TlsRptReceiver {
 public:
  /// `storage_dir` for inputs kept aside; `accept` says which policy domains are taken;
  /// `stored` runs after a new report was stored (the daemon takes it at once).
  TlsRptReceiver(tlsrpt::ReportStore& store, std::string storage_dir, tlsrpt::DomainFilter accept,
                 std::function<void(tlsrpt::IngestResult::Outcome)> outcome,
                 TlsRptReceiverOptions options = {});

  HttpServerResponse handle(const HttpRequest& request, std::string_view body,
                            std::chrono::steady_clock::time_point now);

 private:
  bool within_rate(const std::string& source, std::chrono::steady_clock::time_point now);

  tlsrpt::ReportStore& store_;
  std::string storage_dir_;
  tlsrpt::DomainFilter accept_;
  std::function<void(tlsrpt::IngestResult::Outcome)> outcome_;
  TlsRptReceiverOptions options_;
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point at;
  };
  std::map<std::string, Bucket> buckets_;
};

}  // namespace mtasts::web
