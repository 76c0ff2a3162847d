/// @file
/// @brief DNSSEC-validated lookups for DANE with libunbound (Debian's libunbound-dev): the
/// agent validates itself, from a trust anchor, and never trusts an AD bit from elsewhere
/// (RFC 7672 §2.1) unless the operator names a validating resolver on this machine. libunbound
/// resolves on a worker thread of its own and signals results on a file descriptor; Asio waits on
/// that descriptor, so the callbacks run on the event loop like every other completion.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/posix/stream_descriptor.hpp>
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
#include "dns/resolver.hpp"

struct ub_ctx;
struct ub_result;

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
  static void on_result(void* data, int err, ub_result* result);
  /// Waits for the descriptor while queries are in flight; runs ub_process when readable.
  void arm();
  /// query() when the AD bit of trusted_ is believed.
  asio::awaitable<ValidatedAnswer> query_trusted(std::string name, int type);

  asio::any_io_executor executor_;
  /// Where libunbound's own log goes (nowhere); outlives the context that writes to it.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_{nullptr, &std::fclose};
  std::unique_ptr<ub_ctx, CtxDeleter> ctx_;
  std::unique_ptr<dns::Resolver> trusted_;  ///< the AD-bit mode's resolver (else none)
  std::string trusted_name_;
  std::unique_ptr<asio::posix::stream_descriptor> descriptor_;
  std::map<int, std::shared_ptr<Pending>> pending_;  ///< by libunbound's async id
  bool waiting_ = false;
  std::string anchor_zone_;  ///< the owner of the trust anchor's first record
  std::optional<std::string> anchor_problem_;
  std::chrono::steady_clock::time_point anchor_checked_{};
  /// Expires with the resolver: a wait that completed before destruction still runs its
  /// handler afterwards, which must then leave `this` alone.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace mtasts::dane
