// Reports as they arrive: JSON, gzip, and mail messages of the shapes reporters send (GMime).
#include "tlsrpt/report_input.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "common/gzip.hpp"
#include "mtasts/tlsrpt_report.hpp"
#include "scratch.hpp"

namespace mtasts::tlsrpt {
namespace {

std::string testdata(const std::string& name) {
  return support::testdata("tlsrpt/" + name);
}

TEST(ExtractReports, TakesJsonAsItIs) {
  const std::string json = testdata("rfc8460-example.json");
  const auto reports = extract_reports(json);
  ASSERT_TRUE(reports) << reports.error();
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_EQ((*reports)[0], json);
}

TEST(ExtractReports, DecompressesGzip) {
  const std::string json = testdata("rfc8460-example.json");
  const auto reports = extract_reports(*gzip_compress(json));
  ASSERT_TRUE(reports) << reports.error();
  EXPECT_EQ(reports->at(0), json);
}

TEST(ExtractReports, RefusesAGzipBomb) {
  const std::string zeros(64u << 20, '0');
  const auto bomb = *gzip_compress(zeros, 9);
  ASSERT_LT(bomb.size(), 1u << 20);
  const auto reports = extract_reports(bomb);
  ASSERT_FALSE(reports);
  EXPECT_NE(reports.error().find("more than"), std::string::npos) << reports.error();
}

TEST(ExtractReports, RefusesTooMuchInput) {
  InputLimits limits;
  limits.max_input_bytes = 10;
  const auto reports =
      extract_reports(testdata("rfc8460-example.json"), InputFormat::detect, limits);
  ASSERT_FALSE(reports);
  EXPECT_NE(reports.error().find("larger than 10 bytes"), std::string::npos);
}

TEST(ExtractReports, FindsTheGzipPartOfAReportMessage) {
  const auto reports = extract_reports(testdata("report-mail-gzip.eml"));
  ASSERT_TRUE(reports) << reports.error();
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_EQ(reports->at(0), testdata("list-mx-host.json"));
  const auto report = parse_report(reports->at(0));
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(report->organization, "Large Mail Provider");
}

TEST(ExtractReports, FindsAnOctetStreamAttachmentByItsName) {
  const auto reports = extract_reports(testdata("report-mail-octet-stream.eml"));
  ASSERT_TRUE(reports) << reports.error();
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_EQ(reports->at(0), testdata("offset-times-reason-code.json"));
}

TEST(ExtractReports, SaysWhatAMessageWithoutAReportHolds) {
  const auto reports = extract_reports(testdata("not-a-report.eml"));
  ASSERT_FALSE(reports);
  EXPECT_EQ(reports.error(), "the message has no TLS-RPT report part (its parts: text/plain)");
}

TEST(ExtractReports, ReadsAJsonPartInPlainText) {
  const std::string json = testdata("no-policy-found.json");
  const std::string message =
      "From: a@example.net\r\nSubject: Report Domain: example.org\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=tlsrpt; boundary=x\r\n\r\n"
      "--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
      "--x\r\nContent-Type: application/tlsrpt+json\r\n\r\n" +
      json + "\r\n--x--\r\n";
  const auto reports = extract_reports(message);
  ASSERT_TRUE(reports) << reports.error();
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_TRUE(parse_report(reports->at(0))) << reports->at(0);
}

TEST(ExtractReports, SaysWhenTheReportPartIsNotGzip) {
  const std::string message =
      "From: a@example.net\r\nMIME-Version: 1.0\r\n"
      "Content-Type: application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "aGVsbG8gd29ybGQ=\r\n";
  const auto reports = extract_reports(message);
  ASSERT_FALSE(reports);
  EXPECT_NE(reports.error().find("the gzip report cannot be read"), std::string::npos)
      << reports.error();
}

TEST(ExtractReports, GarbageIsNotAReport) {
  for (const std::string& garbage : {std::string(), std::string("\x01\x02\x03", 3),
                                     std::string("just words"), std::string(1000, '\n')}) {
    EXPECT_FALSE(extract_reports(garbage)) << garbage;
  }
}

}  // namespace
}  // namespace mtasts::tlsrpt
