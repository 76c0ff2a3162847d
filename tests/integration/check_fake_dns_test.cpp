// check_domain when DNS itself fails: SERVFAIL or silence must give "unknown" with the
// *_dns_error findings, never "missing" (a timeout is not an absence).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_dns_server.hpp"
#include "probe/check_domain.hpp"
#include "probe/evaluate.hpp"
#include "run_awaitable.hpp"

namespace mtasts::probe {
namespace {

using namespace std::chrono_literals;
using mtasts::support::Bytes;
using mtasts::support::FakeDnsServer;
using mtasts::support::run_awaitable;

DomainReport check_with(asio::io_context& io, FakeDnsServer& server,
                        std::chrono::milliseconds attempt_timeout = 200ms,
                        std::chrono::milliseconds check_timeout = 10s) {
  dns::ResolverOptions options;
  options.servers = {server.address()};
  options.attempt_timeout = attempt_timeout;
  auto resolver = std::move((dns::Resolver::create(io.get_executor(), options)).value());
  auto policy_tls = (net::make_tls_context({})).value();
  auto smtp_tls = (net::make_tls_context({})).value();
  CheckContext context{*resolver, *policy_tls, *smtp_tls};
  CheckOptions check;
  check.timeout = check_timeout;
  DomainReport report = run_awaitable<DomainReport>(
      io, [&]() { return check_domain(context, "example.com", check); });
  evaluate(report, {});
  return report;
}

std::vector<std::string> codes(const DomainReport& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.emplace_back(to_string(f.code));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CheckWhenDnsFails, ServfailIsUnknownNotMissing) {
  asio::io_context io;
  FakeDnsServer servfail(
      io, [](const Bytes& q) { return std::optional(FakeDnsServer::reply_with_rcode(q, 2)); });
  const DomainReport r = check_with(io, servfail);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_THAT(codes(r),
              ::testing::ElementsAre("mx_dns_error", "sts_record_dns_error", "tlsrpt_dns_error"));
  EXPECT_EQ(r.sts_status, probe::RecordStatus::dns_error);
  EXPECT_EQ(r.policy_status, probe::PolicyStatus::none);
}

TEST(CheckWhenDnsFails, SilenceIsUnknownNotMissing) {
  asio::io_context io;
  FakeDnsServer silent(io, [](const Bytes&) { return std::nullopt; });
  const DomainReport r = check_with(io, silent);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_THAT(codes(r),
              ::testing::ElementsAre("mx_dns_error", "sts_record_dns_error", "tlsrpt_dns_error"));
  for (const auto& f : r.findings) EXPECT_THAT(f.message, ::testing::HasSubstr("timeout"));
}

TEST(CheckWhenDnsFails, TheCheckDeadlineBoundsSlowDns) {
  asio::io_context io;
  FakeDnsServer silent(io, [](const Bytes&) { return std::nullopt; });
  // c-ares alone would try for 2 x 5 s and more; the check's 500 ms deadline wins.
  const auto started = std::chrono::steady_clock::now();
  const DomainReport r = check_with(io, silent, 5s, 500ms);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_THAT(codes(r),
              ::testing::ElementsAre("mx_dns_error", "sts_record_dns_error", "tlsrpt_dns_error"));
}

TEST(CheckWhenDnsFails, NxdomainEverywhereIsAClearFail) {
  asio::io_context io;
  FakeDnsServer nxdomain(
      io, [](const Bytes& q) { return std::optional(FakeDnsServer::reply_with_rcode(q, 3)); });
  const DomainReport r = check_with(io, nxdomain);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_THAT(codes(r), ::testing::ElementsAre("mx_none", "mx_unresolvable", "sts_record_missing",
                                               "tlsrpt_missing"));
}

}  // namespace
}  // namespace mtasts::probe
