#include "dane/dnssec_resolver.hpp"

#include <fmt/format.h>
#include <unbound-event.h>
#include <unbound.h>

#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <cstdio>
#include <fstream>

#include "common/server_address.hpp"
#include "common/with_deadline.hpp"
#include "dns/answer.hpp"

namespace mtasts::dane {
namespace {

constexpr int kClassIn = 1;
constexpr int kRcodeServfail = 2;
constexpr int kRcodeNxdomain = 3;
/// How long the trust anchor's own check may take.
constexpr std::chrono::seconds kAnchorCheckTimeout{5};
/// libunbound's `sec` argument to a ub_resolve_event callback.
constexpr int kBogus = 1;
constexpr int kSecure = 2;
/// CNAMEs followed in one answer, as the c-ares resolver's bound.
constexpr std::size_t kMaxCnameChain = 8;

}  // namespace

/// One query in flight: the libunbound callback fills the answer and wakes the coroutine
/// waiting on `event` (a timer that never expires by itself).
struct DnssecResolver::Pending {
  explicit Pending(const asio::any_io_executor& executor)
      : event(executor, asio::steady_timer::time_point::max()) {}
  asio::steady_timer event;
  ValidatedAnswer answer;
  std::string name;
  int type = 0;
  bool done = false;
  int id = 0;
  DnssecResolver* owner = nullptr;
};

void DnssecResolver::CtxDeleter::operator()(ub_ctx* ctx) const noexcept {
  ub_ctx_delete(ctx);  // frees its events; callbacks of cancelled queries are not called
}

DnssecResolver::DnssecResolver(asio::any_io_executor executor) : executor_(std::move(executor)) {}

DnssecResolver::~DnssecResolver() {
  for (auto& [id, pending] : pending_) {
    // Deleting the context answers what is in flight with SERVFAIL unless cancelled.
    if (ctx_) ub_cancel(ctx_.get(), id);
    pending->answer.error = asio::error::operation_aborted;
    pending->answer.error_text = "the DNSSEC resolver was stopped";
    pending->done = true;
    pending->event.cancel();
  }
  pending_.clear();
}

Result<std::unique_ptr<DnssecResolver>> DnssecResolver::create(asio::any_io_executor executor,
                                                               const DnssecOptions& options) {
  // libunbound reads the anchor only at its first query: check it now, where the error can
  // still be a start-up error.
  std::ifstream anchor(options.trust_anchor_file);
  const bool trusting = !options.trusted_resolver.empty();
  if (!anchor && !trusting) {
    return failure("cannot read the DNSSEC trust anchor " + options.trust_anchor_file +
                   " (install dns-root-data, or set dane_trust_anchor)");
  }
  // The zone the anchor is for: the owner of its first record ("." for the root's).
  std::string anchor_zone;
  for (std::string line; anchor && anchor_zone.empty() && std::getline(anchor, line);) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == ';') continue;
    if (start == 0) anchor_zone = line.substr(0, line.find_first_of(" \t"));
  }
  if (anchor_zone.empty() && trusting) anchor_zone = ".";
  if (anchor_zone.empty()) {
    return failure("the DNSSEC trust anchor " + options.trust_anchor_file +
                   " has no DS or DNSKEY record");
  }
  if (trusting) {
    std::unique_ptr<DnssecResolver> resolver(new DnssecResolver(executor));
    resolver->anchor_zone_ = anchor_zone;
    resolver->trusted_name_ = options.trusted_resolver;
    auto trusted = dns::Resolver::create(executor, {.servers = {options.trusted_resolver}});
    if (!trusted) return failure("dane_resolver " + trusted.error());
    resolver->trusted_ = std::move(*trusted);
    return resolver;
  }
  std::unique_ptr<DnssecResolver> resolver(new DnssecResolver(executor));
  resolver->anchor_zone_ = anchor_zone;
  resolver->events_ = std::make_unique<UnboundEventBase>(std::move(executor));
  resolver->ctx_.reset(ub_ctx_create_ub_event(resolver->events_->get()));
  ub_ctx* ctx = resolver->ctx_.get();
  if (ctx == nullptr) return failure("cannot create a libunbound context");
  const auto option = [ctx](const char* name, const std::string& value) -> Result<void> {
    if (const int rc = ub_ctx_set_option(ctx, name, value.c_str()); rc != 0) {
      return failure(std::string("libunbound option ") + name + " " + value + ": " +
                     ub_strerror(rc));
    }
    return {};
  };
  // Forwarders on loopback (a local resolver) are normal here; the lab's too. EDNS at the
  // DNS flag day 2020 size, as the c-ares resolver; explanations of bogus answers. Names
  // under test. go to the servers as the c-ares resolver sends them, instead of the
  // NXDOMAIN libunbound would make up itself (RFC 6761 §6.2 lets resolvers do either).
  //
  // Caches far smaller than libunbound's defaults (4 MB each for messages, RRsets and keys):
  // a fleet's records do not fit in either size, each domain's answers are asked for once a
  // round, and the MX hosts domains share are shared above libunbound (SmtpProbeSharing), so
  // what a cache gives here is the zones' keys and delegations. The defaults were 16 MB of
  // the daemon's heap at 10,000 domains (heaptrack), a sixth of its memory budget; half of
  // these sizes took another 2.5 MB off the peak RSS.
  for (const auto& [name, value] :
       {std::pair{"do-not-query-localhost:", "no"}, std::pair{"edns-buffer-size:", "1232"},
        std::pair{"val-log-level:", "2"}, std::pair{"verbosity:", "0"},
        std::pair{"local-zone:", "test. transparent"}, std::pair{"msg-cache-size:", "512k"},
        std::pair{"rrset-cache-size:", "1m"}, std::pair{"key-cache-size:", "1m"},
        std::pair{"neg-cache-size:", "256k"}}) {
    if (auto set = option(name, value); !set) return failure(set.error());
  }
  // val-log-level writes to the log as well: not into the agent's.
  resolver->log_.reset(std::fopen("/dev/null", "we"));
  if (resolver->log_) ub_ctx_debugout(ctx, resolver->log_.get());
  if (options.servers.empty()) {
    if (const int rc = ub_ctx_resolvconf(ctx, nullptr); rc != 0) {
      return failure(std::string("cannot read /etc/resolv.conf: ") + ub_strerror(rc));
    }
  }
  for (const auto& server : options.servers) {
    const auto parsed = parse_server_address(server);
    if (!parsed) return failure("DNS server " + parsed.error());
    if (const int rc = ub_ctx_set_fwd(ctx, parsed->unbound_form.c_str()); rc != 0) {
      return failure("DNS server " + server + ": " + ub_strerror(rc));
    }
  }
  if (const int rc = ub_ctx_add_ta_file(ctx, options.trust_anchor_file.c_str()); rc != 0) {
    return failure("DNSSEC trust anchor " + options.trust_anchor_file + ": " + ub_strerror(rc));
  }
  return resolver;
}

void DnssecResolver::on_answer(void* data, int rcode, void* packet, int length, int security,
                               char* why_bogus, int /*rate_limited*/) noexcept {
  auto* pending = static_cast<Pending*>(data);
  ValidatedAnswer& a = pending->answer;
  try {
    // A nonzero rcode is libunbound's own failure (SERVFAIL mostly): the packet is not
    // an answer then. A bogus answer comes with rcode 0, security 1 and the reason.
    const dns::Answer answer(
        static_cast<const unsigned char*>(packet),
        packet != nullptr && length > 0 ? static_cast<std::size_t>(length) : 0);
    a.rcode = rcode != 0 ? rcode : dns::answer_rcode(answer);
    a.nxdomain = a.rcode == kRcodeNxdomain;
    a.security = security == kSecure  ? Security::secure
                 : security == kBogus ? Security::bogus
                                      : Security::insecure;
    if (why_bogus != nullptr) a.why_bogus = why_bogus;
    if (rcode != 0 || answer.empty()) {
      a.error = std::make_error_code(std::errc::io_error);
      a.error_text = rcode == kRcodeServfail || answer.empty() ? std::string("SERVFAIL")
                                                               : fmt::format("RCODE {}", rcode);
    } else if (auto parsed = dns::parse_rdata(answer, pending->type, a.rdata)) {
      a.error = parsed;
      a.error_text = "malformed answer from libunbound";
    } else {
      std::vector<std::pair<std::string, std::string>> cnames;
      std::vector<std::string> chain;
      if (!dns::parse_cnames(answer, cnames)) {
        a.canonical_name =
            dns::follow_cnames(pending->name, std::move(cnames), chain, kMaxCnameChain);
      }
      // A bogus answer may carry SERVFAIL too, but it is an answer: the validation failed.
      if (a.security != Security::bogus && a.rcode == kRcodeServfail) {
        a.error = std::make_error_code(std::errc::io_error);
        a.error_text = "SERVFAIL";
      }
    }
  } catch (const std::exception& e) {  // out of memory; never through libunbound's frames
    a.error = std::make_error_code(std::errc::not_enough_memory);
    a.error_text = e.what();
  }
  pending->done = true;
  pending->event.cancel();
  // Answered inside ub_resolve_event (from libunbound's cache), the query was never listed.
  if (pending->id != 0) pending->owner->pending_.erase(pending->id);
}

asio::awaitable<std::string> DnssecResolver::anchor_problem() {
  constexpr int kTypeDnskey = 48;
  const auto now = std::chrono::steady_clock::now();
  const auto keep =
      anchor_problem_ && anchor_problem_->empty() ? std::chrono::hours(1) : std::chrono::minutes(1);
  if (anchor_problem_ && now - anchor_checked_ < keep) co_return *anchor_problem_;
  // A bound of its own, remembered like any other answer: DNS servers that swallow DNSSEC
  // queries must not cost every check its whole DANE budget, a minute long.
  auto answered = co_await with_deadline(query(anchor_zone_, kTypeDnskey),
                                         std::chrono::steady_clock::now() + kAnchorCheckTimeout);
  ValidatedAnswer keys;
  if (answered) {
    keys = std::move(*answered);
  } else {
    keys.error = std::make_error_code(std::errc::timed_out);
    keys.error_text = fmt::format("no answer within {} s", kAnchorCheckTimeout.count());
  }
  std::string problem;
  if (keys.error) {
    problem = fmt::format(
        "the DNSKEY records of the trust anchor's zone {} could not be looked "
        "up ({})",
        anchor_zone_, keys.error_text);
  } else if (keys.security != Security::secure && trusted_) {
    problem = fmt::format(
        "{} does not set the AD bit on the DNSKEY records of {}: it does not validate "
        "DNSSEC (or has no trust anchor for the zone)",
        trusted_name_, anchor_zone_);
  } else if (keys.security != Security::secure) {
    problem = fmt::format(
        "the DNSKEY records of the trust anchor's zone {} do not validate ({}): "
        "the DNS servers may strip DNSSEC, or the anchor is out of date",
        anchor_zone_,
        keys.why_bogus.empty() ? std::string(to_string(keys.security)) : keys.why_bogus);
  }
  // A cancelled look (the check's deadline) says nothing: not remembered.
  if (keys.error != asio::error::operation_aborted) {
    anchor_problem_ = problem;
    anchor_checked_ = std::chrono::steady_clock::now();
  }
  co_return problem;
}

asio::awaitable<ValidatedAnswer> DnssecResolver::query_trusted(std::string name, int type) {
  ValidatedAnswer a;
  auto [ec, answer] = co_await trusted_->query_authenticated(name, type);
  if (ec) {
    a.error = ec;
    // A validating resolver answers SERVFAIL for bogus data too, and does not say which.
    a.error_text = fmt::format("{} ({}; a validating resolver also says so for bogus data)",
                               ec.message(), trusted_name_);
    co_return a;
  }
  a.rcode = dns::answer_rcode(answer);
  a.nxdomain = a.rcode == kRcodeNxdomain;
  a.security = dns::answer_authenticated(answer) ? Security::secure : Security::insecure;
  if (auto parsed = dns::parse_rdata(answer, type, a.rdata)) {
    a.error = parsed;
    a.error_text = "malformed answer from " + trusted_name_;
    co_return a;
  }
  std::vector<std::pair<std::string, std::string>> cnames;
  std::vector<std::string> chain;
  if (!dns::parse_cnames(answer, cnames)) {
    a.canonical_name = dns::follow_cnames(name, std::move(cnames), chain, 8);
  }
  if (a.rcode != 0 && !a.nxdomain) {
    a.error = std::make_error_code(std::errc::io_error);
    a.error_text = fmt::format("RCODE {} from {}", a.rcode, trusted_name_);
  }
  co_return a;
}

asio::awaitable<ValidatedAnswer> DnssecResolver::query(std::string name, int type) {
  if (trusted_) co_return co_await query_trusted(std::move(name), type);
  auto pending = std::make_shared<Pending>(executor_);
  pending->owner = this;
  pending->name = std::move(name);
  pending->type = type;
  int id = 0;
  if (const int rc = ub_resolve_event(ctx_.get(), pending->name.c_str(), type, kClassIn,
                                      pending.get(), &DnssecResolver::on_answer, &id);
      rc != 0) {
    pending->answer.error = std::make_error_code(std::errc::io_error);
    pending->answer.error_text = ub_strerror(rc);
    co_return std::move(pending->answer);
  }
  if (pending->done) co_return std::move(pending->answer);  // answered from the cache
  pending->id = id;
  pending_[id] = pending;
  co_await pending->event.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  // Woken by the answer, by the destructor (done in both), or cancelled from outside: a
  // deadline, with the resolver still here.
  if (!pending->done) {
    // Cancelled, its callback never comes and the entry can go; should libunbound refuse,
    // the entry stays, so the callback that may still come finds its query alive.
    if (ub_cancel(ctx_.get(), id) == 0) pending_.erase(id);
    pending->answer.error = asio::error::operation_aborted;
    pending->answer.error_text = "cancelled";
  }
  co_return std::move(pending->answer);
}

}  // namespace mtasts::dane
