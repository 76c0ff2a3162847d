// The IMAP way in against a real Dovecot on loopback: unseen messages found and fetched, taken
// ones moved to their folder, the others marked unseen again; wrong passwords, a server that
// will not do STARTTLS and oversized messages are errors that say so.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "dovecot_server.hpp"
#include "scratch.hpp"
#include "tlsrpt/imap_mailbox.hpp"

namespace mtasts::tlsrpt {
namespace {

std::string testdata(const std::string& name) {
  return support::testdata("tlsrpt/" + name);
}

class ImapAgainstDovecot : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!support::DovecotServer::available()) GTEST_SKIP() << "needs root and dovecot-imapd";
    ASSERT_TRUE(dovecot_.start()) << "Dovecot did not start";
  }

  ImapOptions options() const {
    ImapOptions o;
    o.url = dovecot_.url();
    o.user = support::DovecotServer::kUser;
    o.password = support::DovecotServer::kPassword;
    o.ca_file = dovecot_.ca_file();
    o.timeout = std::chrono::seconds(10);
    return o;
  }

  support::DovecotServer dovecot_;
};

TEST_F(ImapAgainstDovecot, FetchesUnseenMessagesAndFilesThemAway) {
  dovecot_.deliver("1796000000.M1.test", testdata("report-mail-gzip.eml"));
  dovecot_.deliver("1796000001.M2.test", testdata("not-a-report.eml"));
  ImapMailbox mailbox(options());
  const auto uids = mailbox.unseen();
  ASSERT_TRUE(uids) << uids.error();
  ASSERT_EQ(uids->size(), 2u);
  const auto first = mailbox.fetch(uids->at(0));
  ASSERT_TRUE(first) << first.error();
  EXPECT_NE(first->find("TLS-Report-Domain: example.org"), std::string::npos);
  ASSERT_TRUE(mailbox.file_away(uids->at(0)));
  // The second could not be taken yet: unseen again for the next poll.
  ASSERT_TRUE(mailbox.fetch(uids->at(1)));
  ASSERT_TRUE(mailbox.mark_unseen(uids->at(1)));
  const auto left = mailbox.unseen();
  ASSERT_TRUE(left) << left.error();
  EXPECT_EQ(*left, std::vector<std::uint64_t>{uids->at(1)});
  EXPECT_EQ(dovecot_.messages_in("TLSRPT-processed"), 1u);
  EXPECT_EQ(dovecot_.messages_in(""), 1u);
}

TEST_F(ImapAgainstDovecot, AWrongPasswordSaysSo) {
  auto o = options();
  o.password = "wrong";
  ImapMailbox mailbox(o);
  const auto uids = mailbox.unseen();
  ASSERT_FALSE(uids);
  EXPECT_NE(uids.error().find("Login denied"), std::string::npos) << uids.error();
}

TEST_F(ImapAgainstDovecot, AnUntrustedCertificateIsRefused) {
  auto o = options();
  o.ca_file = "/etc/ssl/certs/ca-certificates.crt";  // not the test CA
  ImapMailbox mailbox(o);
  const auto uids = mailbox.unseen();
  ASSERT_FALSE(uids);
  EXPECT_NE(uids.error().find("certificate"), std::string::npos) << uids.error();
}

TEST_F(ImapAgainstDovecot, AnOversizedMessageIsAnError) {
  dovecot_.deliver("1796000000.M1.test", "Subject: big\r\n\r\n" + std::string(300000, 'x'));
  auto o = options();
  o.max_message_bytes = 100000;
  ImapMailbox mailbox(o);
  const auto uids = mailbox.unseen();
  ASSERT_TRUE(uids) << uids.error();
  const auto message = mailbox.fetch(uids->at(0));
  ASSERT_FALSE(message);
  EXPECT_NE(message.error().find("larger than 100000 bytes"), std::string::npos);
}

TEST(ImapUrl, IsCheckedBeforeUse) {
  EXPECT_TRUE(validate_imap_url("imaps://mail.example.net/INBOX"));
  EXPECT_TRUE(validate_imap_url("imap://mail.example.net:143/Reports/TLS"));
  EXPECT_FALSE(validate_imap_url("https://mail.example.net/INBOX"));
  EXPECT_FALSE(validate_imap_url("imaps://mail.example.net"));
  EXPECT_FALSE(validate_imap_url("imaps://mail.example.net/"));
  EXPECT_FALSE(validate_imap_url("imaps:///INBOX"));
  const auto with_user = validate_imap_url("imaps://user:pw@mail.example.net/INBOX");
  ASSERT_FALSE(with_user);
  EXPECT_NE(with_user.error().find("--tlsrpt.imap.user"), std::string::npos);
}

}  // namespace
}  // namespace mtasts::tlsrpt
