// The STARTTLS probe against SMTP servers that misbehave on purpose: silence, a byte at a
// time, endless lines, rejection, a handshake that never ends, and TLS 1.0 only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "fake_tcp_server.hpp"
#include "net/smtp_probe.hpp"
#include "run_awaitable.hpp"

namespace mtasts::net {
namespace {

using namespace std::chrono_literals;
using mtasts::support::FakeTcpServer;
using mtasts::support::hang;
using mtasts::support::read_line;
using mtasts::support::run_awaitable;
using mtasts::support::send_text;
using Socket = asio::ip::tcp::socket;

/// Greets, answers EHLO with STARTTLS, and reads the STARTTLS command.
asio::awaitable<void> offer_starttls(Socket& s) {
  co_await send_text(s, "220 mx ESMTP\r\n");
  co_await read_line(s);
  co_await send_text(s, "250-mx\r\n250 STARTTLS\r\n");
  co_await read_line(s);
}

/// Serves STARTTLS with `tls`, then waits for QUIT.
FakeTcpServer::Script starttls_with(std::shared_ptr<asio::ssl::context> server_tls) {
  return [server_tls](Socket s) -> asio::awaitable<void> {
    co_await offer_starttls(s);
    co_await send_text(s, "220 go ahead\r\n");
    asio::ssl::stream<Socket&> tls(s, *server_tls);
    co_await tls.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
    std::array<char, 64> buffer{};
    co_await tls.async_read_some(asio::buffer(buffer), asio::use_awaitable);  // QUIT
    const std::string bye = "221 bye\r\n";
    co_await asio::async_write(tls, asio::buffer(bye), asio::use_awaitable);
  };
}

class SmtpAgainstFakes : public ::testing::Test {
 protected:
  void SetUp() override {
    TlsOptions options;
    options.min_version = TLS1_VERSION;
    context_ = (make_tls_context(options)).value();
  }

  SmtpProbe probe(FakeTcpServer& server, SmtpOptions options = {}) {
    if (options.step_timeout == SmtpOptions{}.step_timeout) options.step_timeout = 500ms;
    if (options.timeout == SmtpOptions{}.timeout) options.timeout = 3s;
    return run_awaitable<SmtpProbe>(
        io_, [&]() { return probe_smtp(*context_, "mx.fake.test", server.endpoint(), options); });
  }

  asio::io_context io_;
  std::shared_ptr<asio::ssl::context> context_;
};

TEST_F(SmtpAgainstFakes, SilentServerTimesOutAtTheBanner) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> { co_await hang(s); });
  const SmtpProbe p = probe(server);
  EXPECT_EQ(p.error, SmtpError::timeout);
  EXPECT_EQ(p.stage, SmtpStage::banner);
}

TEST_F(SmtpAgainstFakes, AByteASecondHitsTheOverallDeadline) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> {
    const std::string banner = "220 slow.example ESMTP\r\n";
    for (char c : banner) {
      if (!co_await send_text(s, std::string(1, c))) co_return;
      asio::steady_timer pause(s.get_executor(), 300ms);
      co_await pause.async_wait(asio::use_awaitable);
    }
  });
  SmtpOptions options;
  options.step_timeout = 5s;
  options.timeout = 1s;
  const SmtpProbe p = probe(server, options);
  EXPECT_EQ(p.error, SmtpError::timeout);
  EXPECT_LT(p.seconds, 2.5);
}

TEST_F(SmtpAgainstFakes, EndlessLineIsAProtocolError) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> {
    const std::string chunk(1024, 'x');
    // A local, not a ?: temporary inside co_await: GCC 12 destroys those twice.
    std::string first = "220 " + chunk;
    if (!co_await send_text(s, first)) co_return;
    for (int i = 0; i < 10000; ++i) {
      if (!co_await send_text(s, chunk)) co_return;
    }
  });
  const SmtpProbe p = probe(server);
  EXPECT_EQ(p.error, SmtpError::protocol);
  EXPECT_THAT(p.detail, ::testing::HasSubstr("line_too_long"));
}

TEST_F(SmtpAgainstFakes, EndlessMultiLineReplyIsAProtocolError) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> {
    for (int i = 0; i < 100000; ++i) {
      if (!co_await send_text(s, "220-still greeting\r\n")) co_return;
    }
  });
  const SmtpProbe p = probe(server);
  EXPECT_EQ(p.error, SmtpError::protocol);
  EXPECT_THAT(p.detail, ::testing::HasSubstr("too_many_lines"));
}

TEST_F(SmtpAgainstFakes, RejectingBannerKeepsItsCode) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> {
    co_await send_text(s, "554 5.7.1 no SMTP service here\r\n");
    co_await read_line(s);  // QUIT
  });
  const SmtpProbe p = probe(server);
  EXPECT_EQ(p.error, SmtpError::banner_rejected);
  EXPECT_EQ(p.last_code, 554);
  EXPECT_THAT(p.detail, ::testing::HasSubstr("554 5.7.1"));
}

TEST_F(SmtpAgainstFakes, GarbageIsAProtocolError) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> {
    co_await send_text(s, "SSH-2.0-OpenSSH_9.2\r\n");
    co_await hang(s);
  });
  EXPECT_EQ(probe(server).error, SmtpError::protocol);
}

TEST_F(SmtpAgainstFakes, StarttlsRefusedWithTemporaryFailure) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> {
    co_await offer_starttls(s);
    co_await send_text(s, "454 4.7.0 TLS not available due to local problem\r\n");
    co_await read_line(s);
  });
  const SmtpProbe p = probe(server);
  EXPECT_EQ(p.error, SmtpError::starttls_rejected);
  EXPECT_EQ(p.last_code, 454);
  EXPECT_TRUE(p.starttls_offered);
}

TEST_F(SmtpAgainstFakes, HandshakeThatNeverEndsTimesOutAtTls) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> {
    co_await offer_starttls(s);
    co_await send_text(s, "220 go ahead\r\n");
    co_await hang(s);  // reads the ClientHello and never answers
  });
  const SmtpProbe p = probe(server);
  EXPECT_EQ(p.error, SmtpError::timeout);
  EXPECT_EQ(p.stage, SmtpStage::tls);
}

TEST_F(SmtpAgainstFakes, DataBeforeTlsIsRefused) {
  FakeTcpServer server(io_, [](Socket s) -> asio::awaitable<void> {
    co_await offer_starttls(s);
    co_await send_text(s, "220 go ahead\r\n250 injected\r\n");
    co_await hang(s);
  });
  const SmtpProbe p = probe(server);
  EXPECT_EQ(p.error, SmtpError::protocol);
  EXPECT_EQ(p.stage, SmtpStage::starttls);
}

TEST_F(SmtpAgainstFakes, OldTlsVersionIsRecordedNotFailed) {
  auto server_tls =
      mtasts::support::self_signed_server_context("mx.fake.test", TLS1_VERSION, TLS1_VERSION);
  FakeTcpServer server(io_, starttls_with(server_tls));
  const SmtpProbe p = probe(server);
  EXPECT_EQ(p.error, SmtpError::none) << p.detail;
  ASSERT_TRUE(p.tls);
  EXPECT_EQ(p.tls->version, "TLSv1");
  EXPECT_THAT(p.tls->certificate.problems, ::testing::Contains(CertProblem::untrusted));
}

// The probe negotiates at security level 0 to observe old servers; the chain is judged as a
// sender judges it (level 2), so a trusted chain with a weak key or a SHA-1 signature is not
// valid, and says why.
TEST_F(SmtpAgainstFakes, WeakKeysAndSignaturesAreJudgedAsSendersJudgeThem) {
  const std::string ca_file = ::testing::TempDir() + "/weak-ca.pem";
  struct Case {
    int bits;
    const char* digest;
    std::optional<CertProblem> problem;
    int ca_bits = 2048;
  };
  for (const Case& c :
       {Case{2048, "SHA256", std::nullopt}, Case{1024, "SHA256", CertProblem::weak_key},
        Case{2048, "SHA1", CertProblem::weak_signature},
        // The issuer's key counts too: the whole chain is judged, not only the leaf.
        Case{2048, "SHA256", CertProblem::weak_key, 1024}}) {
    SCOPED_TRACE(std::to_string(c.bits) + " " + c.digest + " CA " + std::to_string(c.ca_bits));
    auto server_tls = mtasts::support::ca_issued_server_context("mx.fake.test", ca_file, c.bits,
                                                                c.digest, c.ca_bits);
    TlsOptions options;
    options.min_version = TLS1_VERSION;
    options.ca_file = ca_file;
    context_ = (make_tls_context(options)).value();
    FakeTcpServer server(io_, starttls_with(server_tls));
    const SmtpProbe p = probe(server);
    EXPECT_EQ(p.error, SmtpError::none) << p.detail;
    ASSERT_TRUE(p.tls);
    if (c.problem) {
      EXPECT_FALSE(p.tls->certificate.verified);
      EXPECT_EQ(p.tls->certificate.problems, std::vector<CertProblem>{*c.problem});
    } else {
      EXPECT_TRUE(p.tls->certificate.verified) << p.tls->certificate.error;
      EXPECT_TRUE(p.tls->certificate.problems.empty());
    }
  }
}

}  // namespace
}  // namespace mtasts::net
