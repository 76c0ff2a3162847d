/// @file
/// @brief Asynchronous DNS lookups with c-ares on one Asio io_context (README, "DNS"):
/// c-ares' socket-state callback arms Asio waits on its sockets, readiness runs
/// ares_process_fd, and one timer from ares_timeout drives c-ares' own timeouts and
/// retries. Asio never closes a socket c-ares owns.
#pragma once

#include <ares.h>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/address.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "dns/answer.hpp"

namespace mtasts::dns {

struct ResolverOptions {
  /// Servers as "IP", "IP:PORT" or "[IPv6]:PORT". Empty: those of /etc/resolv.conf.
  std::vector<std::string> servers;
  /// How long c-ares waits for one attempt before retrying (it backs off per try).
  std::chrono::milliseconds attempt_timeout{2000};
  /// Attempts per server.
  int tries = 2;
  /// Use TCP for every query instead of UDP with TCP only after truncation.
  bool tcp_only = false;
};

/// The outcome of one lookup: the records, or an error (see classify()), plus the CNAME
/// chain that led to them (each hop's target, in order).
template <class T>
struct Lookup {
  std::error_code error;
  T records{};
  std::vector<std::string> cname_chain;
};

class Resolver {
 public:
  /// A resolver on `executor` (which must run on one thread). Returns a message instead of
  /// a resolver when the options are unusable (an unparsable server address, say).
  static Result<std::unique_ptr<Resolver>> create(asio::any_io_executor executor,
                                                  const ResolverOptions& options);

  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  /// TXT records, each record's strings joined. Never throws for DNS failures: they are
  /// in Lookup::error. Honours cancellation (completes with operation_aborted).
  asio::awaitable<Lookup<std::vector<std::string>>> txt(std::string name);
  asio::awaitable<Lookup<std::vector<MxRecord>>> mx(std::string name);
  /// A (ipv6 = false) or AAAA (ipv6 = true) records.
  asio::awaitable<Lookup<std::vector<asio::ip::address>>> addresses(std::string name, bool ipv6);

  /// One raw query: completes with the answer bytes or an error. Public for tests.
  asio::awaitable<std::pair<std::error_code, std::vector<unsigned char>>> query(std::string name,
                                                                                int type);
  /// The same query with the AD bit set (RFC 6840 §5.7), for a validating resolver to say
  /// whether the answer validated; completes with NXDOMAIN as an answer (see answer_rcode,
  /// answer_authenticated), SERVFAIL and REFUSED as errors.
  asio::awaitable<std::pair<std::error_code, std::vector<unsigned char>>> query_authenticated(
      std::string name, int type);

 private:
  struct Watch;
  struct ChannelDeleter {
    void operator()(ares_channel channel) const noexcept;
  };

  explicit Resolver(asio::any_io_executor executor);
  static void on_socket_state(void* self, ares_socket_t fd, int readable, int writable);
  void watch_socket(ares_socket_t fd, bool readable, bool writable);
  void arm(ares_socket_t fd, const std::shared_ptr<Watch>& watch);
  /// After a query starts or a socket event: re-arms the timer only when it might be late.
  void note_activity();
  /// Arms the timer for c-ares's next deadline (none: no query in flight).
  void update_timer();

  asio::awaitable<std::pair<std::error_code, std::vector<unsigned char>>> send(
      std::string name, int type, bool ask_authenticated);
  template <class T, class Parse>
  asio::awaitable<Lookup<T>> lookup(std::string name, int type, Parse parse);

  asio::any_io_executor executor_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point armed_until_ = std::chrono::steady_clock::time_point::max();
  std::chrono::milliseconds attempt_timeout_{};
  /// Expires with the resolver: a timer wait that completed before the destruction still
  /// runs its handler afterwards, which must then leave `this` alone.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::unordered_map<ares_socket_t, std::shared_ptr<Watch>> watches_;
  std::unique_ptr<std::remove_pointer_t<ares_channel>, ChannelDeleter> channel_;
};

}  // namespace mtasts::dns
