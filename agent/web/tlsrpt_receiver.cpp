#include "web/tlsrpt_receiver.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "mtasts/text.hpp"

namespace mtasts::web {
namespace {

HttpServerResponse answer(int status, std::string text) {
  HttpServerResponse response;
  response.status = status;
  response.body = std::move(text) + "\n";
  return response;
}

/// The media type of a Content-Type header, lower case, without parameters.
std::string media_type(std::string_view header) {
  return to_lower_ascii(trim_wsp(header.substr(0, header.find(';'))));
}

}  // namespace

TlsRptReceiver::TlsRptReceiver(tlsrpt::ReportStore& store, std::string storage_dir,
                               tlsrpt::DomainFilter accept,
                               std::function<void(tlsrpt::IngestResult::Outcome)> outcome,
                               TlsRptReceiverOptions options)
    : store_(store),
      storage_dir_(std::move(storage_dir)),
      accept_(std::move(accept)),
      outcome_(std::move(outcome)),
      options_(std::move(options)) {}

bool TlsRptReceiver::within_rate(const std::string& source,
                                 std::chrono::steady_clock::time_point now) {
  const double capacity = static_cast<double>(options_.per_source_per_minute);
  auto it = buckets_.find(source);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_sources) {
      // Forget the addresses whose buckets have filled up again: they are idle.
      std::erase_if(buckets_, [&](const auto& entry) {
        const std::chrono::duration<double> idle = now - entry.second.at;
        return entry.second.tokens + idle.count() * capacity / 60 >= capacity;
      });
      if (buckets_.size() >= options_.max_sources) return false;
    }
    it = buckets_.emplace(source, Bucket{capacity, now}).first;
  }
  Bucket& bucket = it->second;
  const std::chrono::duration<double> elapsed = now - bucket.at;
  bucket.tokens = std::min(capacity, bucket.tokens + elapsed.count() * capacity / 60);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

HttpServerResponse TlsRptReceiver::handle(const HttpRequest& request, std::string_view body,
                                          std::chrono::steady_clock::time_point now) {
  using Outcome = tlsrpt::IngestResult::Outcome;
  if (request.method != "POST") {
    auto response = answer(405, "POST a TLS-RPT report here (RFC 8460 §3)");
    response.headers.emplace_back("Allow", "POST");
    return response;
  }
  const std::string type = media_type(request.header("content-type").value_or(""));
  tlsrpt::InputFormat format = tlsrpt::InputFormat::detect;
  if (type == "application/tlsrpt+gzip") {
    format = tlsrpt::InputFormat::gzip;
  } else if (type == "application/tlsrpt+json") {
    format = tlsrpt::InputFormat::json;
  } else {
    return answer(415, "send application/tlsrpt+gzip or application/tlsrpt+json (RFC 8460 §5.2)");
  }
  if (!within_rate(request.client, now)) {
    outcome_(Outcome::refused);
    auto response = answer(429, "too many reports from this address; try again later");
    response.headers.emplace_back("Retry-After", "60");
    return response;
  }
  const auto wall = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  const auto result =
      tlsrpt::ingest(store_, storage_dir_, body, format, "https", wall, options_.limits, accept_);
  outcome_(result.outcome);
  // What was stored is the sender's own data; why not is said without local paths.
  const std::string line = result.lines.empty() ? std::string() : result.lines.front();
  switch (result.outcome) {
    case Outcome::stored: return answer(201, line);
    case Outcome::duplicate: return answer(200, line);
    case Outcome::rejected: return answer(400, result.problem);
    case Outcome::refused: return answer(403, result.problem);
    case Outcome::failed: break;
  }
  auto response = answer(503, "the report store is unavailable; try again later");
  response.headers.emplace_back("Retry-After", "300");
  return response;
}

}  // namespace mtasts::web
