/// @file
/// @brief DNSSEC-validated lookups for DANE with libunbound (Debian's libunbound-dev): the
/// agent validates itself, from a trust anchor, and never trusts an AD bit from elsewhere
/// (RFC 7672 §2.1) unless the operator names a validating resolver on this machine. libunbound
/// resolves on the agent's event loop through its pluggable event API (UnboundEventBase), so
/// its sockets, timers and callbacks are the loop's like c-ares's: no thread, no pipe.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "common/result.hpp"
#include "dane/dnssec_status.hpp"
#include "dane/unbound_event_base.hpp"
#include "dns/resolver.hpp"

struct ub_ctx;

namespace mtasts::dane {

struct DnssecOptions {
  /// A file of DS or DNSKEY records in zone-file form (Debian's dns-root-data ships the
  /// root's at /usr/share/dns/root.key).
  std::string trust_anchor_file = "/usr/share/dns/root.key";
  /// Name servers to send queries to ("IP" or "IP:PORT"); libunbound validates what they
  /// answer, so any recursive resolver (or an authoritative server of the zones) will do.
  /// Empty: those of /etc/resolv.conf.
  std::vector<std::string> servers;
  /// A validating resolver on this machine (IP[:PORT]) whose AD bit is trusted instead of
  /// validating here (README, "DANE"); then `servers` are not used, and the trust anchor
  /// file, when readable, only names the zone whose DNSKEY proves the resolver validates
  /// (the root otherwise). Empty: libunbound validates from the trust anchor.
  std::string trusted_resolver = {};
};

struct ValidatedAnswer {
  /// Set when the lookup itself failed (timeout, SERVFAIL for a reason other than
  /// validation, the resolver gone); then nothing else is meaningful.
  std::error_code error;
  std::string error_text;
  Security security = Security::insecure;
  std::string why_bogus;  ///< libunbound's explanation, for a bogus answer
  bool nxdomain = false;
  int rcode = 0;
  std::vector<std::vector<unsigned char>> rdata;  ///< each record's RDATA, wire form
  std::string canonical_name;                     ///< after CNAMEs; empty when none
};

class DnssecResolver {
 public:
  /// A resolver on `executor` (one thread), or why not (an unreadable trust anchor, a bad
  /// server address).
  static Result<std::unique_ptr<DnssecResolver>> create(asio::any_io_executor executor,
                                                        const DnssecOptions& options);
  ~DnssecResolver();
  DnssecResolver(const DnssecResolver&) = delete;
  DnssecResolver& operator=(const DnssecResolver&) = delete;

  /// Resolves and validates `name`/`type` (class IN). Honours cancellation: the query is
  /// cancelled in libunbound and the awaitable completes with operation_aborted.
  asio::awaitable<ValidatedAnswer> query(std::string name, int type);

  /// Why validation cannot work here, or "" when it does: the trust anchor's own DNSKEY
  /// RRset must validate as secure. A resolver that strips DNSSEC (many home routers and some
  /// forwarders do) would make every answer bogus: that is the agent's problem, never a
  /// finding about a domain. Remembered for a while (a failure for a minute).
  asio::awaitable<std::string> anchor_problem();
  const std::string& anchor_zone() const { return anchor_zone_; }

 private:
  struct Pending;
  struct CtxDeleter {
    void operator()(ub_ctx* ctx) const noexcept;
  };
  explicit DnssecResolver(asio::any_io_executor executor);
  /// libunbound's ub_event_callback_type: the answer as a DNS message, on the loop.
  static void on_answer(void* data, int rcode, void* packet, int length, int security,
                        char* why_bogus, int rate_limited) noexcept;
  /// query() when the AD bit of trusted_ is believed.
  asio::awaitable<ValidatedAnswer> query_trusted(std::string name, int type);

  asio::any_io_executor executor_;
  /// Where libunbound's own log goes (nowhere); outlives the context that writes to it.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_{nullptr, &std::fclose};
  /// Outlives the context, which frees its events through it.
  std::unique_ptr<UnboundEventBase> events_;
  std::unique_ptr<ub_ctx, CtxDeleter> ctx_;
  std::unique_ptr<dns::Resolver> trusted_;  ///< the AD-bit mode's resolver (else none)
  std::string trusted_name_;
  std::map<int, std::shared_ptr<Pending>> pending_;  ///< by libunbound's async id
  std::string anchor_zone_;  ///< the owner of the trust anchor's first record
  std::optional<std::string> anchor_problem_;
  std::chrono::steady_clock::time_point anchor_checked_{};
};

}  // namespace mtasts::dane
