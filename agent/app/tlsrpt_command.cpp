#include "app/tlsrpt_command.hpp"

#include <algorithm>
#include <chrono>
#include <istream>
#include <iterator>
#include <ostream>

#include "app/lint_command.hpp"
#include "common/file.hpp"
#include "tlsrpt/ingest.hpp"

namespace mtasts::app {
namespace {

/// A mail server hands over one message; the store waits this long for the daemon's write.
constexpr int kBusyTimeoutMs = 10'000;

Result<std::string> read_input(std::istream& in, std::size_t max_bytes) {
  std::string bytes;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > max_bytes) {
      return failure("standard input holds more than " + std::to_string(max_bytes) + " bytes");
    }
  }
  return bytes;
}

}  // namespace

int tlsrpt_ingest(const TlsRptIngestOptions& options, std::istream& in, std::ostream& out,
                  std::ostream& err) {
  if (options.storage_path.empty()) {
    err << "mta-sts-agent: tlsrpt ingest needs --storage.path (the daemon's)\n";
    return kExitUsage;
  }
  auto store = tlsrpt::ReportStore::open(options.storage_path, kBusyTimeoutMs);
  if (!store) {
    err << "mta-sts-agent: " << store.error() << '\n';
    return kExitTempFail;
  }
  const tlsrpt::InputLimits limits;
  std::vector<std::string> files = options.files;
  if (files.empty()) files.emplace_back("-");
  int exit_code = kExitOk;
  for (const auto& file : files) {
    const std::string name = file == "-" ? "standard input" : file;
    const auto bytes = file == "-" ? read_input(in, limits.max_input_bytes)
                                   : read_file(file, limits.max_input_bytes);
    if (!bytes) {
      err << name << ": " << bytes.error() << '\n';
      exit_code = std::max(exit_code, kExitNoInput);
      continue;
    }
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    const auto format = tlsrpt::detect_format(*bytes);
    const auto result =
        tlsrpt::ingest(**store, options.storage_path, *bytes, format,
                       format == tlsrpt::InputFormat::mail ? "mail" : "file", now, limits);
    using Outcome = tlsrpt::IngestResult::Outcome;
    std::ostream& stream =
        result.outcome == Outcome::stored || result.outcome == Outcome::duplicate ? out : err;
    for (const auto& line : result.lines) stream << name << ": " << line << '\n';
    if (result.outcome == Outcome::rejected) exit_code = std::max(exit_code, kExitDataError);
    if (result.outcome == Outcome::failed) exit_code = std::max(exit_code, kExitTempFail);
  }
  return exit_code;
}

}  // namespace mtasts::app
