// SmtpProbeSharing against a loopback SMTP server that counts its sessions: checks of
// domains with the same MX host join a running probe or reuse a recent result, and nothing
// else is shared.
#include "probe/smtp_probe_sharing.hpp"

#include <gtest/gtest.h>

#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <memory>

#include "fake_tcp_server.hpp"
#include "net/tls_client.hpp"
#include "run_awaitable.hpp"

namespace mtasts::probe {
namespace {

using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;
using mtasts::support::FakeTcpServer;
using mtasts::support::read_line;
using mtasts::support::run_awaitable;
using mtasts::support::send_text;
using Socket = asio::ip::tcp::socket;
using Probes = std::tuple<net::SmtpProbe, net::SmtpProbe>;

class SmtpProbeSharingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::TlsOptions tls;
    tls.min_version = TLS1_VERSION;
    context_ = (net::make_tls_context(tls)).value();
  }

  /// An MX without STARTTLS that answers slowly enough for a second check to join.
  FakeTcpServer server() {
    return FakeTcpServer(io_, [this](Socket s) -> asio::awaitable<void> {
      ++sessions_;
      asio::steady_timer pause(s.get_executor(), 50ms);
      co_await pause.async_wait(asio::use_awaitable);
      co_await send_text(s, "220 mx ESMTP\r\n");
      co_await read_line(s);
      co_await send_text(s, "250-mx\r\n250 SIZE 1000\r\n");
      co_await read_line(s);
      co_await send_text(s, "221 bye\r\n");
    });
  }

  net::SmtpOptions options(std::string ehlo = "probe.test") {
    net::SmtpOptions o;
    o.ehlo_name = std::move(ehlo);
    o.timeout = 3s;
    o.step_timeout = 1s;
    return o;
  }

  net::SmtpProbe one(SmtpProbeSharing& sharing, const asio::ip::tcp::endpoint& at,
                     const std::string& host = "mx.shared.test", std::string ehlo = "probe.test") {
    return run_awaitable<net::SmtpProbe>(
        io_, [&] { return sharing.probe(*context_, host, at, options(ehlo)); });
  }

  /// Two checks asking at the same time, for `first` and `second` at the same address.
  Probes both(SmtpProbeSharing& sharing, const asio::ip::tcp::endpoint& at,
              const std::string& first, const std::string& second) {
    return run_awaitable<Probes>(io_, [&]() -> asio::awaitable<Probes> {
      co_return co_await (sharing.probe(*context_, first, at, options()) &&
                          sharing.probe(*context_, second, at, options()));
    });
  }

  asio::io_context io_;
  std::shared_ptr<asio::ssl::context> context_;
  int sessions_ = 0;
};

TEST_F(SmtpProbeSharingTest, ChecksRunningAtOnceShareOneSession) {
  auto mx = server();
  SmtpProbeSharing sharing(1min);
  const auto [a, b] = both(sharing, mx.endpoint(), "mx.shared.test", "MX.Shared.Test");
  EXPECT_EQ(sessions_, 1);
  EXPECT_EQ(a.error, net::SmtpError::starttls_missing);
  EXPECT_EQ(b.error, net::SmtpError::starttls_missing);
  EXPECT_EQ(b.ehlo_keywords, a.ehlo_keywords);
  EXPECT_EQ(sharing.probes_made(), 1u);
  EXPECT_EQ(sharing.probes_reused(), 1u);
}

TEST_F(SmtpProbeSharingTest, AResultIsKeptOnceItsKeyIsAskedForAgain) {
  auto mx = server();
  SmtpProbeSharing sharing(1min);
  one(sharing, mx.endpoint());  // a host of one domain: nothing kept
  EXPECT_EQ(sharing.entries(), 0u);
  one(sharing, mx.endpoint());  // asked again: probed, and kept
  EXPECT_EQ(sharing.entries(), 1u);
  const auto third = one(sharing, mx.endpoint());
  EXPECT_EQ(sessions_, 2);
  EXPECT_EQ(third.error, net::SmtpError::starttls_missing);
  EXPECT_EQ(sharing.probes_made(), 2u);
  EXPECT_EQ(sharing.probes_reused(), 1u);
}

TEST_F(SmtpProbeSharingTest, OtherHostNameOrEhloNameIsAnotherProbe) {
  auto mx = server();
  SmtpProbeSharing sharing(1min);
  for (int i = 0; i < 2; ++i) {
    one(sharing, mx.endpoint(), "mx.shared.test");
    one(sharing, mx.endpoint(), "mx.other.test");  // another name: another certificate name
    one(sharing, mx.endpoint(), "mx.shared.test", "other-ehlo.test");
  }
  EXPECT_EQ(sessions_, 6);
  one(sharing, mx.endpoint(), "mx.other.test");
  EXPECT_EQ(sessions_, 6);
}

TEST_F(SmtpProbeSharingTest, ResultsExpireAfterTheReusePeriod) {
  auto mx = server();
  SmtpProbeSharing sharing(300ms);
  one(sharing, mx.endpoint());
  one(sharing, mx.endpoint());
  one(sharing, mx.endpoint());
  EXPECT_EQ(sessions_, 2);
  run_awaitable<bool>(io_, []() -> asio::awaitable<bool> {
    asio::steady_timer wait(co_await asio::this_coro::executor, 400ms);
    co_await wait.async_wait(asio::use_awaitable);
    co_return true;
  });
  one(sharing, mx.endpoint());
  EXPECT_EQ(sessions_, 3);
}

TEST_F(SmtpProbeSharingTest, ZeroReuseStillJoinsARunningProbe) {
  auto mx = server();
  SmtpProbeSharing sharing(0ms);
  one(sharing, mx.endpoint());
  one(sharing, mx.endpoint());
  EXPECT_EQ(sessions_, 2);
  both(sharing, mx.endpoint(), "mx.shared.test", "mx.shared.test");
  EXPECT_EQ(sessions_, 3);
}

TEST_F(SmtpProbeSharingTest, AJoinedCheckProbesItselfWhenTheFirstIsAbandoned) {
  auto mx = server();
  SmtpProbeSharing sharing(1min);
  // The first check is cut short (its coroutine destroyed) while the second waits on it.
  const auto second = run_awaitable<net::SmtpProbe>(io_, [&]() -> asio::awaitable<net::SmtpProbe> {
    asio::steady_timer cut(co_await asio::this_coro::executor, 10ms);
    auto first = sharing.probe(*context_, "mx.shared.test", mx.endpoint(), options());
    auto joined = [&]() -> asio::awaitable<net::SmtpProbe> {
      asio::steady_timer later(co_await asio::this_coro::executor, 1ms);
      co_await later.async_wait(asio::use_awaitable);
      co_return co_await sharing.probe(*context_, "mx.shared.test", mx.endpoint(), options());
    };
    auto [abandoned, result] =
        co_await ((std::move(first) || cut.async_wait(asio::use_awaitable)) && joined());
    EXPECT_EQ(abandoned.index(), 1u);
    co_return result;
  });
  EXPECT_EQ(second.error, net::SmtpError::starttls_missing);
  EXPECT_EQ(sessions_, 2);
}

// A check that waited its whole time for another check's probe does not probe again with a
// whole timeout more (it once overran its own deadline by that much).
TEST_F(SmtpProbeSharingTest, AJoinedCheckThatRanOutOfTimeDoesNotProbeAgain) {
  FakeTcpServer silent(io_, [this](Socket s) -> asio::awaitable<void> {
    ++sessions_;
    asio::steady_timer never(s.get_executor(), 10s);
    co_await never.async_wait(asio::use_awaitable);
  });
  SmtpProbeSharing sharing(1min);
  const auto joined = run_awaitable<Probes>(io_, [&]() -> asio::awaitable<Probes> {
    auto leader = options();
    leader.timeout = 2s;  // the first check's probe outlasts the second check's time
    auto joiner = options();
    joiner.timeout = 300ms;
    co_return co_await (sharing.probe(*context_, "mx.shared.test", silent.endpoint(), leader) &&
                        sharing.probe(*context_, "mx.shared.test", silent.endpoint(), joiner));
  });
  EXPECT_EQ(std::get<1>(joined).error, net::SmtpError::timeout);
  EXPECT_NE(std::get<1>(joined).detail.find("another check's probe"), std::string::npos)
      << std::get<1>(joined).detail;
  EXPECT_EQ(sessions_, 1);  // only the first check's session
}

// The MX host's A and AAAA lookups: a second domain's lookup is kept, later ones reuse it;
// a failed lookup is nobody else's answer; with reuse 0 nothing is kept.
TEST_F(SmtpProbeSharingTest, AnMxHostsAddressLookupIsSharedLikeItsProbes) {
  int lookups = 0;
  AddressLookupFacts found;
  found.addresses = {asio::ip::make_address("192.0.2.25")};
  AddressLookupFacts timed_out;
  timed_out.v4_failure = dns::DnsFailure::timeout;
  auto lookup_of = [&](const AddressLookupFacts& answer) {
    return [&lookups, answer]() -> asio::awaitable<AddressLookupFacts> {
      ++lookups;
      co_return answer;
    };
  };
  const auto ask = [&](SmtpProbeSharing& sharing, const std::string& key,
                       const AddressLookupFacts& answer) {
    return run_awaitable<AddressLookupFacts>(
        io_, [&]() { return sharing.addresses(key, lookup_of(answer)); });
  };

  SmtpProbeSharing sharing(1min);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(ask(sharing, "mx.shared.test|tt", found).addresses, found.addresses);
  }
  EXPECT_EQ(lookups, 2);  // the first (asked once, not kept) and the second (kept)
  EXPECT_EQ(sharing.lookups_reused(), 2u);

  lookups = 0;
  for (int i = 0; i < 3; ++i) ask(sharing, "mx.flaky.test|tt", timed_out);
  EXPECT_EQ(lookups, 3);

  SmtpProbeSharing no_reuse(0s);
  lookups = 0;
  for (int i = 0; i < 3; ++i) ask(no_reuse, "mx.shared.test|tt", found);
  EXPECT_EQ(lookups, 3);
}

// An MX host's validated lookups for DANE: shared like its addresses, but an answer whose
// lookup failed (a timeout, SERVFAIL) is nobody else's; a bogus one is the validator's verdict.
TEST_F(SmtpProbeSharingTest, AnMxHostsDaneLookupsAreSharedUnlessTheyFailed) {
  int lookups = 0;
  DaneHostFacts secure;
  secure.address_security = dane::Security::secure;
  secure.tlsa_security = dane::Security::secure;
  secure.tlsa.push_back(dane::TlsaRecord{
      .usage = 3, .selector = 1, .matching = 1, .data = std::vector<unsigned char>(32, 0xab)});
  DaneHostFacts failed;
  failed.error = "mx.flaky.test: SERVFAIL";
  DaneHostFacts bogus;
  bogus.address_security = dane::Security::bogus;
  bogus.why_bogus = "signature expired";
  const auto ask = [&](SmtpProbeSharing& sharing, const std::string& key,
                       const DaneHostFacts& answer) {
    return run_awaitable<SharedDaneHostFacts>(io_, [&]() {
      return sharing.dane(key, [&lookups, answer]() -> asio::awaitable<SharedDaneHostFacts> {
        ++lookups;
        co_return share(answer);
      });
    });
  };

  SmtpProbeSharing sharing(1min);
  SharedDaneHostFacts kept;
  for (int i = 0; i < 4; ++i) {
    const auto got = ask(sharing, "mx.shared.test|1", secure);
    EXPECT_TRUE(got->applies());
    EXPECT_EQ(got->tlsa, secure.tlsa);
    if (i == 1) kept = got;
    if (i > 1) {
      EXPECT_EQ(got, kept);  // the kept object itself, not a copy
    }
  }
  EXPECT_EQ(lookups, 2);  // the first (asked once, not kept) and the second (kept)
  EXPECT_EQ(sharing.lookups_reused(), 2u);
  // The same host's AAAA-side lookups are their own.
  lookups = 0;
  ask(sharing, "mx.shared.test|28", secure);
  EXPECT_EQ(lookups, 1);

  lookups = 0;
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(ask(sharing, "mx.flaky.test|1", failed)->error, failed.error);
  EXPECT_EQ(lookups, 3);

  lookups = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ask(sharing, "mx.bogus.test|1", bogus)->why_bogus, "signature expired");
  }
  EXPECT_EQ(lookups, 2);

  SmtpProbeSharing no_reuse(0s);
  lookups = 0;
  for (int i = 0; i < 3; ++i) ask(no_reuse, "mx.shared.test|1", secure);
  EXPECT_EQ(lookups, 3);
}

}  // namespace
}  // namespace mtasts::probe
