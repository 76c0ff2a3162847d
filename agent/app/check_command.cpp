#include "app/check_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <ostream>

#include "app/lint_command.hpp"
#include "common/duration.hpp"
#include "common/run_all.hpp"
#include "common/server_address.hpp"
#include "config/config.hpp"
#include "mtasts/domain_name.hpp"
#include "mtasts/idna.hpp"
#include "mtasts/text.hpp"
#include "probe/check_domain.hpp"
#include "probe/egress_canaries.hpp"
#include "probe/evaluate.hpp"
#include "probe/port25_egress.hpp"
#include "report/check_json.hpp"
#include "report/check_text.hpp"

namespace mtasts::app {

std::string default_ehlo_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) == 0 &&
      std::string_view(name).find('.') != std::string_view::npos && validate_domain_name(name)) {
    return name;
  }
  return "mta-sts-agent.invalid";
}

int run_check(const CheckCommandOptions& options, std::ostream& out, std::ostream& err) {
  const auto usage = [&err](const std::string& message) {
    err << "mta-sts-agent check: " << message << '\n';
    return kExitUsage;
  };
  std::vector<std::string> domains;
  for (const auto& typed : options.domains) {
    // münchen.example is checked as xn--mnchen-3ya.example, and shown as both.
    auto domain = normalize_domain_input(typed);
    if (!domain) return usage(fmt::format("{} {}", in_quotes(typed), domain.error()));
    domains.push_back(std::move(*domain));
  }
  const auto timeout = config::parse_setting_duration(options.timeout, config::limits::kTimeout);
  if (!timeout) return usage("--timeout " + timeout.error());
  const auto expiry =
      config::parse_setting_duration(options.expiry_warning, config::limits::kExpiryWarning, true);
  if (!expiry) return usage("--expiry-warning " + expiry.error());
  const std::string ehlo = options.ehlo_name.empty() ? default_ehlo_name() : options.ehlo_name;
  if (auto valid = validate_domain_name(ehlo); !valid) {
    return usage(fmt::format("--ehlo-name {} {}", in_quotes(ehlo), valid.error()));
  }

  std::vector<HostPort> canaries;
  for (const auto& text : options.egress_canaries) {
    auto parsed = parse_host_port(text);
    if (!parsed) return usage("--egress-canary " + parsed.error());
    canaries.push_back(std::move(*parsed));
  }

  asio::io_context io(1);
  std::optional<probe::DaneSetup> dane;
  if (options.dane || options.dane_trust_anchor || !options.dane_resolver.empty()) {
    dane = probe::DaneSetup{options.dane_trust_anchor.value_or(
                                std::string(config::GlobalSettings::kDefaultTrustAnchor)),
                            options.dane_resolver};
  }
  if (!options.dane_resolver.empty()) {
    auto parsed = parse_trusted_resolver_address(options.dane_resolver);
    if (!parsed) return usage("--dane-resolver " + parsed.error());
  }
  auto made =
      probe::make_check_tools(io.get_executor(), options.dns_servers, options.ca_file, dane);
  if (!made) return usage(made.error());
  auto& tools = *made;
  // Domains of one run that share an MX host share its probes (one SMTP session each).
  tools->smtp_sharing = std::make_unique<probe::SmtpProbeSharing>(*timeout);
  // The run is the round: port 25 works when anything in it answered (an MX of any domain,
  // or a canary), and is presumed blocked when nothing did.
  probe::Port25EgressMonitor egress(*timeout);
  probe::CheckContext context = tools->context(&egress);
  probe::CheckOptions check;
  check.timeout = *timeout;
  check.probe_mx = !options.no_mx;
  check.deny_private_addresses = options.deny_private_addresses;
  check.ehlo_name = ehlo;
  check.policy_port = options.policy_port;
  check.smtp_port = options.smtp_port;
  probe::EvaluationOptions evaluation;
  evaluation.expiry_warning = std::chrono::duration_cast<std::chrono::seconds>(*expiry);

  // Every domain concurrently, on one event loop.
  std::vector<probe::DomainReport> reports(domains.size());
  std::vector<asio::awaitable<void>> tasks;
  for (std::size_t i = 0; i < domains.size(); ++i) {
    tasks.push_back([](probe::CheckContext& ctx, std::string domain, probe::CheckOptions opts,
                       probe::DomainReport& into) -> asio::awaitable<void> {
      into = co_await probe::check_domain(ctx, std::move(domain), opts);
    }(context, domains[i], check, reports[i]));
  }
  if (!canaries.empty()) {
    tasks.push_back([](probe::CheckContext& ctx, std::vector<HostPort> list, std::string ehlo_name,
                       std::chrono::milliseconds within,
                       probe::Port25EgressMonitor& into) -> asio::awaitable<void> {
      bool any = false;
      for (const auto& r : co_await probe::greet_canaries(ctx, list, ehlo_name, within)) {
        any = any || r.reached;
      }
      into.record_canaries(any, std::chrono::system_clock::now());
    }(context, canaries, ehlo, *timeout, egress));
  }
  std::exception_ptr failure;
  asio::co_spawn(io, run_all(std::move(tasks)), [&](std::exception_ptr e) {
    failure = e;
    // Lookups a deadline cut short are still retried inside c-ares; destroying the
    // resolver ends them, so run() returns now rather than after c-ares' own timeouts.
    tools->resolver.reset();
    tools->dnssec.reset();
  });
  io.run();
  if (failure) std::rethrow_exception(failure);  // a bug, not a network problem: fail loudly

  // Judged with what the whole run knows of port 25 (every domain's probes and the
  // canaries), not what was known when each domain's look ended.
  const auto egress_state = egress.state_after_run();
  for (auto& r : reports) {
    r.port25_egress = egress_state;
    evaluate(r, evaluation);
  }

  // Said once for the run, not as a finding: it is the agent's problem, not the domains'.
  for (const auto& r : reports) {
    if (r.dane_unavailable.empty()) continue;
    err << "mta-sts-agent check: DANE not checked: " << r.dane_unavailable << '\n';
    break;
  }

  bool errors = false;
  for (const auto& r : reports) errors = errors || r.verdict == probe::Verdict::fail;
  if (options.json) {
    report::Json json = report::Json::array();
    for (const auto& r : reports) json.push_back(report::to_json(r));
    out << report::dump(reports.size() == 1 ? json.front() : json) << '\n';
  } else {
    const bool color = report::use_color(options.color, STDOUT_FILENO);
    for (std::size_t i = 0; i < reports.size(); ++i) {
      if (i > 0) out << '\n';
      report::print_report(out, reports[i], color);
    }
  }
  return errors ? kExitFindings : kExitOk;
}

}  // namespace mtasts::app
