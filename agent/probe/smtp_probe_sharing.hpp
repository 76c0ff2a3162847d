/// @file
/// @brief One STARTTLS probe per MX address, and one address lookup per MX host, for all the
/// domains that use that MX host.
///
/// A hosting provider's 100,000 domains usually share a few MX hosts. Probing each MX
/// address once per domain would open 200,000 SMTP sessions per interval against the same
/// two servers (and trip their connection-rate limits, which then look like failures).
/// The result of a probe depends only on the MX host name (SNI and the certificate's name),
/// the address, the port, the EHLO name and the TLS context, never on the domain, so checks
/// share it: a probe already running is joined, and a finished one is reused for `reuse`.
/// The MX host's A and AAAA lookups, and its validated lookups for DANE, are shared the same
/// way (a finished one reused for `reuse`): in a hosting provider's fleet they were four of a
/// check's nine lookups, and four of its five DNSSEC-validated ones.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/smtp_probe.hpp"
#include "probe/domain_report.hpp"

namespace mtasts::probe {

class SmtpProbeSharing {
 public:
  using Clock = std::chrono::steady_clock;

  /// Results are reused for `reuse` after their probe finished (0: only a probe still
  /// running is joined). `made` and `reused`, when given, count probes made and results
  /// shared (the daemon's counters, which outlive a reload's new SmtpProbeSharing).
  explicit SmtpProbeSharing(Clock::duration reuse, std::uint64_t* made = nullptr,
                            std::uint64_t* reused = nullptr)
      : reuse_(reuse), made_(made ? made : &own_made_), reused_(reused ? reused : &own_reused_) {}

  /// The result of probing `mx_host` at `endpoint`: a probe of the same key already running
  /// is joined, a recent result is reused, else a probe is made (net::probe_smtp).
  asio::awaitable<net::SmtpProbe> probe(asio::ssl::context& context, std::string mx_host,
                                        asio::ip::tcp::endpoint endpoint, net::SmtpOptions options);

  /// The addresses of an MX host as `lookup` finds them, or as another domain's check found
  /// them within `reuse` (`key`: the host and how it is looked up). Only lookups whose every
  /// answer was definitive are reused, and only for hosts asked for more than once.
  asio::awaitable<AddressLookupFacts> addresses(
      const std::string& key, std::function<asio::awaitable<AddressLookupFacts>()> lookup);

  /// An MX host's validated address and TLSA lookups (DANE) as `lookup` finds them, shared
  /// like addresses(): only answers without a lookup error are reused.
  asio::awaitable<SharedDaneHostFacts> dane(
      const std::string& key, std::function<asio::awaitable<SharedDaneHostFacts>()> lookup);

  Clock::duration reuse() const noexcept { return reuse_; }
  std::uint64_t probes_made() const noexcept { return *made_; }
  std::uint64_t probes_reused() const noexcept { return *reused_; }
  /// Probes running and results kept (for tests and memory accounting).
  std::size_t entries() const noexcept { return entries_.size(); }
  /// Address and DANE lookups answered from another check's.
  std::uint64_t lookups_reused() const noexcept { return lookups_reused_; }

 private:
  struct Shared {
    std::optional<net::SmtpProbe> result;  ///< only when kept: a copy costs allocations
    Clock::time_point finished{};
    /// Made by the first check that joins; cancelled when the probe ends, which wakes them.
    std::optional<asio::steady_timer> done;
    bool keep = false;  ///< someone else wants it: keep the result for `reuse`
  };

  void sweep(Clock::time_point now);

  Clock::duration reuse_;
  std::unordered_map<std::string, std::shared_ptr<Shared>> entries_;
  template <class Facts>
  struct KeptLookup {
    Facts facts;
    Clock::time_point at;
  };
  template <class Facts>
  using KeptLookups = std::unordered_map<std::string, KeptLookup<Facts>>;
  template <class Facts>
  asio::awaitable<Facts> kept_or_looked_up(KeptLookups<Facts>& kept, std::string key,
                                           std::function<asio::awaitable<Facts>()> lookup,
                                           bool (*definitive)(const Facts&));
  KeptLookups<AddressLookupFacts> lookups_;
  KeptLookups<SharedDaneHostFacts> dane_lookups_;
  std::uint64_t lookups_reused_ = 0;
  /// Keys asked for recently, by hash, in a fixed table (512 KiB whatever the fleet): a
  /// result is kept only for keys asked for more than once, so domains with MX hosts of
  /// their own cost no memory. A slot taken by another key only delays sharing.
  struct Asked {
    std::uint32_t fingerprint = 0;  ///< 0: empty
    std::uint32_t second = 0;       ///< when, in seconds since `epoch_`
  };
  bool asked_recently(std::size_t hash, Clock::time_point now);
  std::vector<Asked> asked_;
  Clock::time_point epoch_ = Clock::now();
  Clock::time_point last_sweep_ = Clock::now();
  std::uint64_t own_made_ = 0;
  std::uint64_t own_reused_ = 0;
  std::uint64_t* made_;
  std::uint64_t* reused_;
};

}  // namespace mtasts::probe
