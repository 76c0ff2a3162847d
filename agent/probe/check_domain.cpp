#include "probe/check_domain.hpp"

#include <ares.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/this_coro.hpp>

#include "common/run_all.hpp"
#include "common/with_deadline.hpp"
#include "dane/tlsa_record.hpp"
#include "mtasts/domain_name.hpp"
#include "mtasts/text.hpp"
#include "net/address_class.hpp"
#include "net/policy_fetch.hpp"
#include "net/smtp_probe.hpp"
#include "net/tls_client.hpp"
#include "probe/evaluate.hpp"

namespace mtasts::probe {
namespace {

using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

TxtLookupFacts txt_facts(std::string name, const dns::Lookup<std::vector<std::string>>& lookup) {
  TxtLookupFacts facts;
  facts.name = std::move(name);
  facts.failure = dns::classify(lookup.error);
  if (lookup.error) facts.error = lookup.error.message();
  facts.records = lookup.records;
  facts.cname_chain = lookup.cname_chain;
  return facts;
}

/// A lookup that the check's deadline cut short: reported as a DNS timeout.
template <class T>
dns::Lookup<T> timed_out() {
  dns::Lookup<T> lookup;
  lookup.error = dns::make_ares_error(ARES_ETIMEOUT);
  return lookup;
}

asio::awaitable<AddressLookupFacts> lookup_addresses(dns::Resolver& resolver, std::string name,
                                                     const CheckOptions& options,
                                                     Clock::time_point deadline) {
  using Addresses = std::vector<asio::ip::address>;
  AddressLookupFacts facts;
  facts.v4_asked = options.ipv4;
  facts.v6_asked = options.ipv6;
  dns::Lookup<Addresses> v4, v6;
  if (options.ipv4 && options.ipv6) {
    auto both = co_await with_deadline(
        resolver.addresses(name, false) && resolver.addresses(name, true), deadline);
    std::tie(v4, v6) =
        both ? std::move(*both) : std::tuple{timed_out<Addresses>(), timed_out<Addresses>()};
  } else {
    // One family: no query for the other (a third of the lookups of an IPv4-only setup).
    auto one = co_await with_deadline(resolver.addresses(name, !options.ipv4), deadline);
    (options.ipv4 ? v4 : v6) = one ? std::move(*one) : timed_out<Addresses>();
  }
  facts.v4_failure = dns::classify(v4.error);
  facts.v6_failure = dns::classify(v6.error);
  const auto take = [&](const std::vector<asio::ip::address>& list, bool wanted) {
    if (!wanted) return;
    for (std::size_t i = 0; i < list.size() && i < options.max_addresses_per_family; ++i) {
      if (options.deny_private_addresses && net::is_private_address(list[i])) {
        facts.refused.push_back(list[i]);
      } else {
        facts.addresses.push_back(list[i]);
      }
    }
  };
  take(v4.records, options.ipv4);
  take(v6.records, options.ipv6);
  co_return facts;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return to_hex(std::span<const unsigned char>(digest, length));
}

std::chrono::milliseconds remaining(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(left, std::chrono::milliseconds(1));
}

asio::awaitable<void> fetch_policy_everywhere(CheckContext& context, PolicyFacts& policy,
                                              const CheckOptions& options,
                                              Clock::time_point deadline) {
  policy.lookup = co_await lookup_addresses(context.resolver, policy.host, options, deadline);
  policy.fetches.resize(policy.lookup.addresses.size());
  // One budget for every address, so the same failure reads the same on each.
  net::FetchOptions fetch_options;
  fetch_options.timeout = std::min(fetch_options.timeout, remaining(deadline));
  std::vector<asio::awaitable<void>> tasks;
  for (std::size_t i = 0; i < policy.lookup.addresses.size(); ++i) {
    const asio::ip::tcp::endpoint endpoint(policy.lookup.addresses[i], options.policy_port);
    tasks.push_back([](CheckContext& ctx, PolicyFacts& p, std::size_t index,
                       asio::ip::tcp::endpoint to,
                       net::FetchOptions with) -> asio::awaitable<void> {
      p.fetches[index] = co_await net::fetch_policy(ctx.policy_tls, p.host, to, with);
    }(context, policy, i, endpoint, fetch_options));
  }
  co_await run_all(std::move(tasks));
  for (const auto& f : policy.fetches) {
    if (f.error == net::FetchError::none && f.response && f.response->status == 200) {
      policy.body_sha256 = sha256_hex(f.response->body);
      break;
    }
  }
}

/// An MX host's addresses; domains that share the MX host share the lookup (SmtpProbeSharing).
asio::awaitable<AddressLookupFacts> lookup_mx_addresses(CheckContext& context,
                                                        const std::string& host,
                                                        const CheckOptions& options,
                                                        Clock::time_point deadline) {
  auto lookup = [&]() { return lookup_addresses(context.resolver, host, options, deadline); };
  if (!context.smtp_sharing) co_return co_await lookup();
  const std::string key =
      fmt::format("{}|{}{}{}|{}", to_lower_ascii(host), options.ipv4, options.ipv6,
                  options.deny_private_addresses, options.max_addresses_per_family);
  co_return co_await context.smtp_sharing->addresses(key, lookup);
}

constexpr int kTypeA = 1;
constexpr int kTypeMx = 15;
constexpr int kTypeAaaa = 28;
constexpr int kTypeTlsa = 52;
/// TLSA records kept per MX host; an RRset is a handful (current and next key).
constexpr std::size_t kMaxTlsaRecords = 20;

std::string why(const dane::ValidatedAnswer& a) {
  return a.error == asio::error::operation_aborted ? "the check's deadline passed" : a.error_text;
}

/// How long the validated lookups of an MX host may take: its probes wait for them (they
/// need its TLSA records), and must keep most of the check's time.
constexpr std::chrono::seconds kDaneLookupBudget{10};

/// The TLSA records of `rdata` that are records at all (an RDATA under 3 bytes is not;
/// senders cannot use it either), at most kMaxTlsaRecords.
void add_tlsa(DaneHostFacts& d, const std::vector<std::vector<unsigned char>>& rdata) {
  for (const auto& one : rdata) {
    if (d.tlsa.size() >= kMaxTlsaRecords) break;
    if (auto record = dane::parse_tlsa_rdata(one)) d.tlsa.push_back(std::move(*record));
  }
}

/// The TLSA RRset at `name` asked for without validation, for a host whose addresses are
/// not DNSSEC-secure: senders do not use DANE for it (RFC 7672 §2.2.2), and its TLSA records,
/// at or below the same unsigned zone, are insecure too. Asked only to tell an operator who
/// published some that senders ignore them: a lookup that fails says nothing, and finds none.
asio::awaitable<std::vector<std::vector<unsigned char>>> unvalidated_tlsa(
    dns::Resolver& resolver, const std::string& name, Clock::time_point deadline) {
  std::vector<std::vector<unsigned char>> rdata;
  auto answer = co_await with_deadline(resolver.query(name, kTypeTlsa), deadline);
  if (!answer || answer->first) co_return rdata;
  if (dns::parse_rdata(answer->second, kTypeTlsa, rdata, kMaxTlsaRecords)) rdata.clear();
  co_return rdata;
}

/// What DANE senders look up for an MX host (RFC 7672 §2.2): its address records and its
/// TLSA RRset at _25._tcp.<host>, validated. The TLSA lookup follows the address lookup: for
/// the hosts of unsigned zones (most) it needs no validation.
asio::awaitable<DaneHostFacts> dane_lookups(dane::DnssecResolver& dnssec, dns::Resolver& resolver,
                                            const std::string& host, const CheckOptions& options,
                                            Clock::time_point check_deadline) {
  const auto deadline = std::min(check_deadline, Clock::now() + kDaneLookupBudget);
  DaneHostFacts d;
  const std::string tlsa_name = d.tlsa_name(host);
  const auto out_of_time = [&d]() -> DaneHostFacts& {
    d.error = fmt::format("no answer within {} s", kDaneLookupBudget.count());
    return d;
  };
  auto found =
      co_await with_deadline(dnssec.query(host, options.ipv4 ? kTypeA : kTypeAaaa), deadline);
  if (!found) co_return out_of_time();
  const dane::ValidatedAnswer& address = *found;
  if (address.error) {
    d.error = fmt::format("{}: {}", host, why(address));
    co_return d;
  }
  d.address_security = address.security;
  const std::string canonical =
      address.canonical_name.empty() ? std::string() : canonical_name(address.canonical_name);
  const bool aliased = !canonical.empty() && canonical != canonical_name(host);
  if (address.security == dane::Security::insecure && !aliased) {
    d.tlsa_security = dane::Security::insecure;
    add_tlsa(d, co_await unvalidated_tlsa(resolver, tlsa_name, deadline));
    co_return d;
  }
  auto tlsa_found = co_await with_deadline(dnssec.query(tlsa_name, kTypeTlsa), deadline);
  if (!tlsa_found) co_return out_of_time();
  dane::ValidatedAnswer tlsa = std::move(*tlsa_found);
  if (tlsa.error) {
    d.error = fmt::format("{}: {}", tlsa_name, why(tlsa));
    co_return d;
  }
  if (address.security == dane::Security::secure && aliased) {
    // RFC 7672 §2.2.2: a secure CNAME chain: TLSA at the expanded name first, then at the
    // original name when there is none there.
    d.canonical_host = canonical;
    auto expanded =
        co_await with_deadline(dnssec.query("_25._tcp." + canonical, kTypeTlsa), deadline);
    if (!expanded) co_return out_of_time();
    if (expanded->error) {
      d.error = fmt::format("_25._tcp.{}: {}", canonical, why(*expanded));
      co_return d;
    }
    if (!expanded->rdata.empty() || expanded->security == dane::Security::bogus) {
      tlsa = std::move(*expanded);
      d.tlsa_at_canonical = true;
    }
  }
  d.tlsa_security = tlsa.security;
  d.why_bogus = address.security == dane::Security::bogus ? address.why_bogus : tlsa.why_bogus;
  add_tlsa(d, tlsa.rdata);
  co_return d;
}

/// dane_lookups, shared with the other domains' checks of the same MX host.
asio::awaitable<SharedDaneHostFacts> shared_dane_lookups(CheckContext& context,
                                                         const std::string& host,
                                                         const CheckOptions& options,
                                                         Clock::time_point deadline) {
  auto lookup = [&]() -> asio::awaitable<SharedDaneHostFacts> {
    co_return share(
        co_await dane_lookups(*context.dnssec, context.resolver, host, options, deadline));
  };
  if (!context.smtp_sharing) co_return co_await lookup();
  const std::string key =
      fmt::format("{}|{}", to_lower_ascii(host), options.ipv4 ? kTypeA : kTypeAaaa);
  co_return co_await context.smtp_sharing->dane(key, lookup);
}

/// The domain's MX RRset as validating senders see it.
asio::awaitable<void> validate_mx(dane::DnssecResolver& dnssec, DomainReport& report,
                                  Clock::time_point deadline) {
  DnssecFacts facts;
  auto answer = co_await with_deadline(dnssec.query(report.domain, kTypeMx), deadline);
  if (!answer) {
    facts.error = "the check's deadline passed";
  } else if (answer->error) {
    facts.error = why(*answer);
  } else {
    facts.mx_security = answer->security;
    facts.why_bogus = answer->why_bogus;
  }
  report.dnssec = share(std::move(facts));
}

asio::awaitable<void> probe_mx_host(CheckContext& context, MxHostFacts& host, CheckOptions options,
                                    Clock::time_point deadline) {
  std::vector<dane::TlsaRecord> tlsa;  // usable and secure: what the probes judge chains by
  if (context.dnssec) {
    auto [lookup, dane] = co_await (lookup_mx_addresses(context, host.host, options, deadline) &&
                                    shared_dane_lookups(context, host.host, options, deadline));
    host.lookup = std::move(lookup);
    host.dane = std::move(dane);
    // Senders that do DANE judge the chain by the usable records; the probe does too.
    if (host.dane->applies()) {
      for (const auto& record : host.dane->tlsa) {
        if (!dane::unusable_reason(record)) tlsa.push_back(record);
      }
    }
  } else {
    host.lookup = co_await lookup_mx_addresses(context, host.host, options, deadline);
  }
  if (!options.probe_mx) co_return;
  host.probes.resize(host.lookup.addresses.size());
  net::SmtpOptions smtp;
  smtp.ehlo_name = options.ehlo_name;
  smtp.tlsa = std::move(tlsa);
  if (host.dane) smtp.dane_alias = host.dane->canonical_host;
  smtp.timeout = remaining(deadline);
  smtp.step_timeout = std::min(smtp.step_timeout, smtp.timeout);
  std::vector<asio::awaitable<void>> tasks;
  for (std::size_t i = 0; i < host.lookup.addresses.size(); ++i) {
    const asio::ip::tcp::endpoint endpoint(host.lookup.addresses[i], options.smtp_port);
    tasks.push_back([](CheckContext& ctx, MxHostFacts& h, std::size_t index,
                       asio::ip::tcp::endpoint to, net::SmtpOptions with) -> asio::awaitable<void> {
      // if/else, not ?: — GCC 12 mishandles co_await in a conditional expression.
      if (ctx.smtp_sharing) {
        h.probes[index] = co_await ctx.smtp_sharing->probe(ctx.smtp_tls, h.host, to, with);
      } else {
        h.probes[index] = co_await net::probe_smtp(ctx.smtp_tls, h.host, to, with);
      }
    }(context, host, i, endpoint, smtp));
  }
  co_await run_all(std::move(tasks));
}

}  // namespace

asio::awaitable<DomainReport> check_domain(CheckContext& context, std::string domain,
                                           CheckOptions options) {
  DomainReport report;
  report.domain = canonical_name(domain);
  report.started = std::chrono::system_clock::now();
  const auto started = Clock::now();
  const auto deadline = started + options.timeout;
  const std::string& d = report.domain;
  dns::Resolver& resolver = context.resolver;

  // 1. DNS in parallel (RFC 8461 §3.1, RFC 8460 §3, and the MX hosts).
  // The check's deadline bounds DNS too: c-ares' own retries could outlast it.
  using Txt = std::vector<std::string>;
  auto first_lookups = co_await with_deadline(
      resolver.txt("_mta-sts." + d) && resolver.txt("_smtp._tls." + d) && resolver.mx(d), deadline);
  auto [sts, tlsrpt, mx] = first_lookups ? std::move(*first_lookups)
                                         : std::tuple{timed_out<Txt>(), timed_out<Txt>(),
                                                      timed_out<std::vector<dns::MxRecord>>()};
  report.sts = txt_facts("_mta-sts." + d, sts);
  report.tlsrpt = txt_facts("_smtp._tls." + d, tlsrpt);

  // The forgotten underscore: when there is no STS record, look where people put it.
  const bool sts_absent = dns::is_absent(report.sts.failure) ||
                          (report.sts.failure == dns::DnsFailure::none &&
                           select_versioned_records(report.sts.records, kStsVersion).empty());
  if (sts_absent) {
    auto both = co_await with_deadline(resolver.txt("mta-sts." + d) && resolver.txt(d), deadline);
    auto [host_txt, apex_txt] =
        both ? std::move(*both) : std::tuple{timed_out<Txt>(), timed_out<Txt>()};
    report.misplaced_lookups.push_back(txt_facts("mta-sts." + d, host_txt));
    report.misplaced_lookups.push_back(txt_facts(d, apex_txt));
  }

  report.mx_failure = dns::classify(mx.error);
  if (mx.error) report.mx_error = mx.error.message();
  if (!mx.error) {
    if (mx.records.size() == 1 && mx.records.front().host.empty()) {
      report.null_mx = true;  // RFC 7505
    } else {
      auto records = mx.records;
      std::stable_sort(records.begin(), records.end(),
                       [](const auto& a, const auto& b) { return a.preference < b.preference; });
      report.mx.reserve(std::min(records.size(), options.max_mx_hosts));
      for (const auto& record : records) {
        if (report.mx.size() >= options.max_mx_hosts) break;
        if (record.host.empty()) continue;
        MxHostFacts host;
        host.host = to_lower_ascii(record.host);
        host.preference = record.preference;
        report.mx.push_back(std::move(host));
      }
    }
  } else if (dns::is_absent(report.mx_failure)) {
    // No MX: senders use the domain's own address (RFC 5321 §5.1, implicit MX).
    MxHostFacts host;
    host.host = d;
    host.implicit = true;
    report.mx.push_back(std::move(host));
  }

  // DANE only where validation works at all: a resolver that strips DNSSEC would make every
  // domain bogus, which is the agent's problem and no finding about the domain.
  CheckContext here = context;
  if (!options.dane) here.dnssec = nullptr;
  if (here.dnssec) {
    // anchor_problem() bounds its own look; only the check's deadline may come first.
    auto problem = co_await with_deadline(here.dnssec->anchor_problem(), deadline);
    report.dane_unavailable =
        problem ? std::move(*problem)
                : fmt::format(
                      "the check's deadline passed while the trust anchor's zone {} "
                      "was looked up",
                      here.dnssec->anchor_zone());
    if (!report.dane_unavailable.empty()) here.dnssec = nullptr;
  }

  // 2 and 3. The policy from every address, and every MX address, concurrently.
  report.policy.host = "mta-sts." + d;
  report.mx_probed = options.probe_mx;
  std::vector<asio::awaitable<void>> tasks;
  tasks.push_back(fetch_policy_everywhere(here, report.policy, options, deadline));
  if (here.dnssec) tasks.push_back(validate_mx(*here.dnssec, report, deadline));
  for (auto& host : report.mx) tasks.push_back(probe_mx_host(here, host, options, deadline));
  co_await run_all(std::move(tasks));

  // The probes are evidence about the agent's own port 25, for every check.
  if (context.egress) {
    const auto now = std::chrono::system_clock::now();
    for (const auto& host : report.mx) {
      for (const auto& probe : host.probes) {
        // A probe the deadline cut before it connected says nothing.
        if (probe.error == net::SmtpError::none && probe.stage == net::SmtpStage::connect) continue;
        context.egress->record_attempt(reached_port25(probe), now);
      }
    }
    report.port25_egress = context.egress->state(now);
    // Timeouts only mean "the MX is down" when something came back while this check ran:
    // right after port 25 gets blocked, egress still counts as working for a round, and
    // judging then would page every domain for an MX outage that is the agent's own.
    if (report.port25_egress == Port25Egress::working &&
        !context.egress->reached_since(report.started)) {
      report.port25_egress = Port25Egress::unproven;
    }
  }

  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  co_return report;
}

Result<std::unique_ptr<CheckTools>> make_check_tools(asio::any_io_executor executor,
                                                     std::vector<std::string> dns_servers,
                                                     std::optional<std::string> ca_file,
                                                     std::optional<DaneSetup> dane) {
  auto tools = std::make_unique<CheckTools>();
  if (dane) {
    auto dnssec =
        dane::DnssecResolver::create(executor, {.trust_anchor_file = dane->trust_anchor_file,
                                                .servers = dns_servers,
                                                .trusted_resolver = dane->trusted_resolver});
    if (!dnssec) return failure(std::move(dnssec.error()));
    tools->dnssec = std::move(*dnssec);
    tools->dane = std::move(dane);
  }
  dns::ResolverOptions resolver_options;
  resolver_options.servers = dns_servers;
  auto resolver = dns::Resolver::create(executor, resolver_options);
  if (!resolver) return failure(std::move(resolver.error()));
  tools->resolver = std::move(*resolver);
  // The policy fetch needs TLS 1.2 at least (RFC 8461 §7.2); the SMTP probe offers older
  // versions too, so that it can report them.
  auto policy = net::make_tls_context({.ca_file = ca_file, .min_version = TLS1_2_VERSION});
  if (!policy) return failure(std::move(policy.error()));
  auto smtp = net::make_tls_context({.ca_file = ca_file, .min_version = TLS1_VERSION});
  if (!smtp) return failure(std::move(smtp.error()));
  tools->policy_tls = std::move(*policy);
  tools->smtp_tls = std::move(*smtp);
  tools->dns_servers = std::move(dns_servers);
  tools->ca_file = std::move(ca_file);
  return tools;
}

}  // namespace mtasts::probe
