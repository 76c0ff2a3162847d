// The HTTPS way in for TLS-RPT reports, without a socket: what a sender's POST is answered and
// what lands in the store.
#include "web/tlsrpt_receiver.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/gzip.hpp"
#include "scratch.hpp"

namespace mtasts::web {
namespace {

namespace fs = std::filesystem;
using Outcome = tlsrpt::IngestResult::Outcome;

std::string testdata(const std::string& name) {
  return support::testdata("tlsrpt/" + name);
}

HttpRequest post(const std::string& content_type, const std::string& client = "192.0.2.7") {
  HttpRequest request;
  request.method = "POST";
  request.target = request.path = "/tlsrpt";
  request.client = client;
  request.headers = {{"content-type", content_type}};
  return request;
}

class TlsRptReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::move(*tlsrpt::ReportStore::open(dir_.string(), 100)); }

  TlsRptReceiver receiver(TlsRptReceiverOptions options = {}) {
    return TlsRptReceiver(
        *store_, dir_.string(), [](std::string_view domain) { return domain == "example.org"; },
        [this](Outcome outcome) { outcomes_.push_back(outcome); }, options);
  }

  support::ScratchDir scratch_{"mtasts-receiver"};
  const fs::path& dir_ = scratch_.path();
  std::unique_ptr<tlsrpt::ReportStore> store_;
  std::vector<Outcome> outcomes_;
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
};

TEST_F(TlsRptReceiverTest, StoresAGzipReportOnce) {
  auto r = receiver();
  const std::string body = *gzip_compress(testdata("list-mx-host.json"));
  const auto first = r.handle(post("application/tlsrpt+gzip"), body, now_);
  EXPECT_EQ(first.status, 201) << first.body;
  EXPECT_NE(first.body.find("stored report"), std::string::npos);
  const auto again = r.handle(post("Application/TLSRPT+gzip; charset=binary"), body, now_);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(outcomes_, (std::vector<Outcome>{Outcome::stored, Outcome::duplicate}));
  const auto stored = store_->reports_for("example.org", 0);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(stored->at(0).source, "https");
}

TEST_F(TlsRptReceiverTest, TakesJson) {
  auto r = receiver();
  const auto response =
      r.handle(post("application/tlsrpt+json"), testdata("offset-times-reason-code.json"), now_);
  EXPECT_EQ(response.status, 201) << response.body;
}

TEST_F(TlsRptReceiverTest, RefusesReportsForDomainsNotCheckedHere) {
  auto r = receiver();
  const auto response =
      r.handle(post("application/tlsrpt+json"), testdata("rfc8460-example.json"), now_);
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(response.body.find("for no domain checked here"), std::string::npos);
  EXPECT_TRUE(store_->reports_for("company-y.example", 0)->empty());
  EXPECT_EQ(outcomes_, std::vector<Outcome>{Outcome::refused});
}

TEST_F(TlsRptReceiverTest, SaysWhyAnInvalidReportIsNotTakenWithoutLocalPaths) {
  auto r = receiver();
  const auto response = r.handle(post("application/tlsrpt+json"), R"({"report-id":"x"})", now_);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, "not a valid report: organization-name is missing\n");
  EXPECT_EQ(response.body.find(dir_.string()), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / tlsrpt::kRejectedDirName));  // kept aside all the same
  const auto bomb = r.handle(post("application/tlsrpt+gzip"),
                             *gzip_compress(std::string(64u << 20, ' '), 9), now_);
  EXPECT_EQ(bomb.status, 400);
}

TEST_F(TlsRptReceiverTest, AnswersOtherMethodsAndTypes) {
  auto r = receiver();
  HttpRequest get = post("application/tlsrpt+json");
  get.method = "GET";
  const auto not_post = r.handle(get, "", now_);
  EXPECT_EQ(not_post.status, 405);
  ASSERT_EQ(not_post.headers.size(), 1u);
  EXPECT_EQ(not_post.headers[0], (std::pair<std::string, std::string>{"Allow", "POST"}));
  EXPECT_EQ(r.handle(post("application/json"), "{}", now_).status, 415);
  EXPECT_EQ(r.handle(post(""), "{}", now_).status, 415);
  EXPECT_TRUE(outcomes_.empty());
}

TEST_F(TlsRptReceiverTest, LimitsEachSendingAddress) {
  TlsRptReceiverOptions options;
  options.per_source_per_minute = 3;
  auto r = receiver(options);
  const std::string body = R"({"report-id":"x"})";
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(r.handle(post("application/tlsrpt+json"), body, now_).status, 400);
  }
  const auto limited = r.handle(post("application/tlsrpt+json"), body, now_);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers.at(0).first, "Retry-After");
  // Another address is not limited; the first one may post again after 20 s (3 a minute).
  EXPECT_EQ(r.handle(post("application/tlsrpt+json", "192.0.2.8"), body, now_).status, 400);
  EXPECT_EQ(r.handle(post("application/tlsrpt+json"), body, now_ + std::chrono::seconds(21)).status,
            400);
}

TEST_F(TlsRptReceiverTest, RemembersABoundedNumberOfAddresses) {
  TlsRptReceiverOptions options;
  options.max_sources = 2;
  options.per_source_per_minute = 1;
  auto r = receiver(options);
  const std::string body = R"({"report-id":"x"})";
  EXPECT_EQ(r.handle(post("application/tlsrpt+json", "192.0.2.1"), body, now_).status, 400);
  EXPECT_EQ(r.handle(post("application/tlsrpt+json", "192.0.2.2"), body, now_).status, 400);
  // Both still busy: a third address waits until one is idle.
  EXPECT_EQ(r.handle(post("application/tlsrpt+json", "192.0.2.3"), body, now_).status, 429);
  EXPECT_EQ(
      r.handle(post("application/tlsrpt+json", "192.0.2.3"), body, now_ + std::chrono::seconds(61))
          .status,
      400);
}

}  // namespace
}  // namespace mtasts::web
