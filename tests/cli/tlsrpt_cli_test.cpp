// `mta-sts-agent tlsrpt ingest` as a mail server's pipe transport runs it: the real binary,
// messages and files from the report corpus, the exit codes a pipe transport reads, and what
// lands in the store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_process.hpp"
#include "scratch.hpp"
#include "tlsrpt/report_store.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string kCorpus = std::string(MTASTS_SOURCE_DIR) + "/tests/testdata/tlsrpt/";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class TlsRptIngestCli : public ::testing::Test {
 protected:
  mtasts::support::ProcessRun ingest(std::vector<std::string> files,
                                     const std::string& input = "") {
    std::vector<std::string> args = {"tlsrpt", "ingest", "--storage.path=" + dir_.string()};
    args.insert(args.end(), files.begin(), files.end());
    return mtasts::support::run_process(MTASTS_AGENT_BINARY, args, input);
  }

  mtasts::support::ScratchDir scratch_{"mtasts-ingest"};
  const fs::path& dir_ = scratch_.path();
};

TEST_F(TlsRptIngestCli, StoresAMessageFromStandardInputOnce) {
  const std::string message = read(kCorpus + "report-mail-gzip.eml");
  const auto first = ingest({}, message);
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("standard input: stored report 2026-11-29T00:00:00Z_example.org "
                                   "from Large Mail Provider for example.org, 2026-11-29: 412 "
                                   "successful, 0 failed sessions"));
  // Senders resend; a pipe transport must not bounce the second copy.
  const auto again = ingest({"-"}, message);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("already stored"));

  auto store = mtasts::tlsrpt::ReportStore::open(dir_.string(), 100);
  ASSERT_TRUE(store) << store.error();
  const auto reports = (*store)->reports_for("example.org", 0);
  ASSERT_TRUE(reports);
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_EQ(reports->at(0).source, "mail");
  EXPECT_EQ(reports->at(0).successful, 412u);
}

TEST_F(TlsRptIngestCli, StoresJsonAndGzipFiles) {
  const auto run =
      ingest({kCorpus + "rfc8460-example.json", kCorpus + "offset-times-reason-code.json",
              kCorpus + "report-mail-octet-stream.eml"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("rfc8460-example.json: stored report 5065427c-23d3-47ca-b6e0-"
                                 "946ea0e8c4be from Company-X for company-y.example"));
  // The octet-stream message carries the same report as the JSON file before it.
  EXPECT_THAT(run.out, HasSubstr("report-mail-octet-stream.eml: already stored: report "
                                 "133775577712345678+example.org from Another Provider Inc."));
  auto store = mtasts::tlsrpt::ReportStore::open(dir_.string(), 100);
  const auto reports = (*store)->reports_for("company-y.example", 0);
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_EQ(reports->at(0).source, "file");
}

TEST_F(TlsRptIngestCli, KeepsWhatIsNotAReportAsideAndSaysSo) {
  const auto run = ingest({kCorpus + "not-a-report.eml"});
  EXPECT_EQ(run.exit_code, 65);  // EX_DATAERR
  EXPECT_THAT(run.err, HasSubstr("not-a-report.eml: not a valid report: the message has no "
                                 "TLS-RPT report part (its parts: text/plain) (kept as "));
  std::size_t kept = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "tlsrpt-rejected")) {
    if (entry.path().extension() != ".reason") {
      ++kept;
      EXPECT_EQ(read(entry.path().string()), read(kCorpus + "not-a-report.eml"));
    }
  }
  EXPECT_EQ(kept, 1u);

  const auto invalid = ingest({}, R"({"organization-name":"O","report-id":"r"})");
  EXPECT_EQ(invalid.exit_code, 65);
  EXPECT_THAT(invalid.err, HasSubstr("not a valid report: date-range is missing"));
}

TEST_F(TlsRptIngestCli, AnUnreadableFileIsNoInput) {
  const auto run = ingest({(dir_ / "missing.eml").string()});
  EXPECT_EQ(run.exit_code, 66);  // EX_NOINPUT
  EXPECT_THAT(run.err, HasSubstr("missing.eml"));
}

TEST_F(TlsRptIngestCli, AnUnwritableStoreIsATemporaryFailure) {
  // A store that cannot be opened (here: a directory where the database should be) makes a
  // mail server keep the message and retry, instead of bouncing it.
  fs::create_directories(dir_ / "tlsrpt.db");
  const auto run = ingest({}, read(kCorpus + "report-mail-gzip.eml"));
  EXPECT_EQ(run.exit_code, 75) << run.out << run.err;  // EX_TEMPFAIL
  EXPECT_THAT(run.err, HasSubstr("tlsrpt.db"));
}

TEST_F(TlsRptIngestCli, NeedsTheStoragePath) {
  const auto run = mtasts::support::run_process(MTASTS_AGENT_BINARY, {"tlsrpt", "ingest"}, "");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--storage.path is required"));
}

}  // namespace
