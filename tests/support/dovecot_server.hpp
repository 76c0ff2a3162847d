// A real Dovecot (Debian's dovecot-imapd) on loopback for the tests: one user whose Maildir
// the test delivers to, IMAP with STARTTLS required and a certificate of its own CA. Needs
// root (Dovecot switches to the mail user). Its files live under /tmp: Dovecot's mail user
// cannot reach into a checkout under /root.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "run_process.hpp"

namespace mtasts::support {

class DovecotServer {
 public:
  static constexpr const char* kUser = "reports";
  static constexpr const char* kPassword = "report-secret";

  DovecotServer()
      : dir_(std::filesystem::temp_directory_path() /
             ("mtasts-dovecot-" + std::to_string(::getpid()))) {}
  /// Its files in `dir`, the user's Maildir in `dir`/home/reports/Maildir (where the lab's
  /// Postfix delivers).
  explicit DovecotServer(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~DovecotServer() { stop(); }
  DovecotServer(const DovecotServer&) = delete;
  DovecotServer& operator=(const DovecotServer&) = delete;

  static bool available() {
    return ::geteuid() == 0 && std::filesystem::exists("/usr/sbin/dovecot");
  }

  /// Writes the configuration, a certificate and the user's Maildir, starts Dovecot and waits
  /// until it answers; false when it did not.
  bool start() {
    namespace fs = std::filesystem;
    fs::remove_all(dir_);
    for (const char* sub : {"run", "state", "home/reports/Maildir/new", "home/reports/Maildir/cur",
                            "home/reports/Maildir/tmp"}) {
      fs::create_directories(dir_ / sub);
    }
    const std::string d = dir_.string();
    const int made = std::system(
        ("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + d +
         "/key.pem -out " + d + "/cert.pem -days 2 -subj /CN=localhost -addext " +
         "subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null")
            .c_str());
    if (made != 0) return false;
    std::ofstream(dir_ / "users") << kUser << ":{PLAIN}" << kPassword << "\n";
    port_ = free_port();
    std::ofstream(dir_ / "dovecot.conf")
        << "base_dir = " << d << "/run\nstate_dir = " << d << "/state\nlog_path = " << d
        << "/dovecot.log\nprotocols = imap\nlisten = 127.0.0.1\nssl = required\n"
        << "ssl_cert = <" << d << "/cert.pem\nssl_key = <" << d << "/key.pem\n"
        << "auth_mechanisms = plain\n"
        << "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u " << d
        << "/users\n}\n"
        << "userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=" << d
        << "/home/%u\n}\nmail_location = maildir:~/Maildir\n"
        << "service imap-login {\n  chroot =\n  inet_listener imap {\n    port = " << port_
        << "\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}\n"
        << "service anvil {\n  chroot =\n}\n";
    if (std::system(("chown -R nobody:nogroup " + d + "/home").c_str()) != 0) return false;
    pid_ = spawn_process("/usr/sbin/dovecot", {"-F", "-c", d + "/dovecot.conf"}, "/dev/null",
                         d + "/out.log", d + "/out.log", 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (answers()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
      pid_ = 0;
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  /// Delivers a message to the user's INBOX, as an LDA would.
  void deliver(const std::string& name, const std::string& message) {
    const auto tmp = dir_ / "home/reports/Maildir/tmp" / name;
    std::ofstream(tmp, std::ios::binary) << message;
    std::filesystem::rename(tmp, dir_ / "home/reports/Maildir/new" / name);
    [[maybe_unused]] const int ignored =
        std::system(("chown -R nobody:nogroup " + (dir_ / "home").string()).c_str());
  }

  /// The messages in a folder ("" for the INBOX), new and seen.
  std::size_t messages_in(const std::string& folder) const {
    const auto maildir = dir_ / "home/reports/Maildir" / (folder.empty() ? "" : "." + folder);
    std::size_t n = 0;
    for (const char* sub : {"new", "cur"}) {
      std::error_code ec;
      for (auto it = std::filesystem::directory_iterator(maildir / sub, ec);
           !ec && it != std::filesystem::directory_iterator(); ++it) {
        ++n;
      }
    }
    return n;
  }

  std::string url(const std::string& mailbox = "INBOX") const {
    return "imap://127.0.0.1:" + std::to_string(port_) + "/" + mailbox;
  }
  std::string ca_file() const { return (dir_ / "cert.pem").string(); }
  std::filesystem::path dir() const { return dir_; }
  std::uint16_t port() const { return port_; }

 private:
  static std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
  }

  bool answers() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
  }

  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace mtasts::support
