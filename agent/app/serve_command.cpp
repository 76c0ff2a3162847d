#include "app/serve_command.hpp"

// GCC 12 follows Asio's frame allocator (its recycling cache, or aligned_alloc) into
// awaitable_frame_base::operator delete and reports a mismatch that is not there.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <cstring>
#include <map>
#include <ostream>
#include <set>

#include "app/check_command.hpp"
#include "app/lint_command.hpp"
#include "app/tlsrpt_intake.hpp"
#include "common/duration.hpp"
#include "common/file.hpp"
#include "common/log.hpp"
#include "common/sqlite.hpp"
#include "common/version.hpp"
#include "config/config.hpp"
#include "config/target_files.hpp"
#include "metrics/collector.hpp"
#include "metrics/process.hpp"
#include "probe/check_domain.hpp"
#include "probe/egress_canaries.hpp"
#include "probe/evaluate.hpp"
#include "probe/port25_egress.hpp"
#include "scheduler/scheduler.hpp"
#include "scheduler/shard.hpp"
#include "state/domain_store.hpp"
#include "state/state_database.hpp"
#include "tlsrpt/maildir.hpp"
#include "web/basic_auth.hpp"
#include "web/endpoints.hpp"
#include "web/http_server.hpp"
#include "web/tlsrpt_receiver.hpp"
#include "web/web_config.hpp"

namespace mtasts::app {
namespace {

constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr auto kTargetFilePollEvery = std::chrono::seconds(5);
constexpr auto kCanariesEvery = std::chrono::seconds(60);
constexpr auto kCanaryTimeout = std::chrono::seconds(30);
/// How often finished checks are written to the state database, together in one transaction.
constexpr auto kStateSaveEvery = std::chrono::seconds(1);
/// After failed writes, the next waits twice as long each time, up to this: a full disk must
/// not make the agent encode every unsaved report every second.
constexpr auto kStateSaveBackoffMax = std::chrono::seconds(32);

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

/// "127.0.0.1:8461,[::1]:8461": where a server listens, for the log.
std::string listening_on(const web::HttpServer& server) {
  std::vector<std::string> addresses;
  for (const auto& e : server.local_endpoints()) {
    addresses.push_back(e.address().is_v6()
                            ? fmt::format("[{}]:{}", e.address().to_string(), e.port())
                            : fmt::format("{}:{}", e.address().to_string(), e.port()));
  }
  return join(addresses, ",");
}

class Daemon {
 public:
  Daemon(asio::io_context& io, const ServeOptions& options, std::size_t shard_index,
         std::chrono::milliseconds grace, std::chrono::milliseconds report_retention)
      : io_(io),
        options_(options),
        grace_(grace),
        report_retention_(report_retention),
        scheduler_(io.get_executor(), 1, [this](std::string d) { return check(std::move(d)); }),
        collector_(store_, stats_),
        watch_timer_(io),
        canary_timer_(io),
        save_timer_(io),
        signals_(io, SIGHUP, SIGTERM, SIGINT) {
    stats_.shard_index = shard_index;
    stats_.shard_total = options.shard_total;
  }

  /// Loads everything needed to serve; false (and the reasons on `err`) when it cannot.
  bool start(std::ostream& err) {
    auto loaded = config::load_config(options_.config_file);
    if (!loaded) {
      for (const auto& e : loaded.error()) err << e.to_string() << '\n';
      err << "mta-sts-agent: " << options_.config_file << " is not valid; not starting\n";
      return false;
    }
    if (!options_.web_config_file.empty()) {
      auto web = web::load_web_config(options_.web_config_file);
      if (!web) {
        err << "mta-sts-agent: " << web.error() << '\n';
        return false;
      }
      web_config_ = std::move(*web);
      if (web_config_.tls) {
        auto tls = web::make_server_tls(*web_config_.tls);
        if (!tls) {
          err << "mta-sts-agent: " << options_.web_config_file << ": " << tls.error() << '\n';
          return false;
        }
        server_options_.tls = std::move(*tls);
      }
      auth_ = std::make_shared<web::BasicAuth>(web_config_.basic_auth_users,
                                               password_workers_.get_executor());
      // The bcrypt thread yields to the event loop's: nice 10 for that thread alone.
      asio::post(password_workers_, [] {
        if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) != 0) {
          log::debug("cannot lower the password thread's priority",
                     {{"err", std::strerror(errno)}});
        }
      });
    }
    if (!options_.storage_path.empty()) {
      std::vector<std::string> notices;
      auto opened = state::StateDatabase::open(options_.storage_path, notices);
      for (const auto& notice : notices) log::warn("state", {{"problem", notice}});
      if (!opened) {
        err << "mta-sts-agent: " << opened.error() << '\n';
        return false;
      }
      database_ = std::move(*opened);
    }
    if (auto applied = apply(std::move(*loaded)); !applied) {
      err << "mta-sts-agent: " << applied.error() << '\n';
      return false;
    }
    if (database_) {
      restore_state();
      open_report_store();
    }

    endpoints_ = std::make_unique<web::Endpoints>(
        web::Endpoints{.store = store_,
                       .stats = stats_,
                       .collector = collector_,
                       .version = version(),
                       .ready = [this] { return ready(); },
                       .reload = [this] { return reload("http"); },
                       .lifecycle = options_.enable_lifecycle,
                       .next_check = [this](const std::string& d) { return scheduler_.due(d); },
                       .extra_headers = web_config_.headers,
                       .sender_reports = sender_reports_for_pages()});
    auto server =
        web::HttpServer::start(io_.get_executor(), options_.listen_address, server_options_,
                               [this](const web::HttpRequest& request, std::string_view body) {
                                 return serve_request(request, body);
                               });
    if (!server) {
      err << "mta-sts-agent: " << server.error() << '\n';
      return false;
    }
    server_ = std::move(*server);
    log::info("listening", {{"address", listening_on(*server_)},
                            {"tls", server_options_.tls ? "true" : "false"},
                            {"basic_auth", auth_ && auth_->enabled() ? "true" : "false"}});
    if (!options_.tlsrpt_listen_address.empty() && !start_tlsrpt_receiver(err)) return false;
    if (!options_.tlsrpt_maildir.empty() && !watch_maildir(err)) return false;
    if (!options_.tlsrpt_imap.url.empty() && !watch_imap(err)) return false;
    scheduler_.start();
    asio::co_spawn(io_, watch_loop(), log::on_exception("config watch"));
    asio::co_spawn(io_, canary_loop(), log::on_exception("egress canaries"));
    if (database_) asio::co_spawn(io_, save_loop(), log::on_exception("state saving"));
    if (intake_) asio::co_spawn(io_, intake_->run(), log::on_exception("TLS-RPT reports"));
    return true;
  }

  /// Serves until SIGTERM or SIGINT; SIGHUP reloads. Then stops gracefully.
  asio::awaitable<std::size_t> run_until_signalled() {
    for (;;) {
      auto [ec, signal] = co_await signals_.async_wait(kTuple);
      if (ec) break;
      if (signal == SIGHUP) {
        reload("SIGHUP");
        continue;
      }
      log::info("stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
      break;
    }
    stopping_ = true;
    scheduler_.stop();
    server_->stop();
    if (tlsrpt_server_) tlsrpt_server_->stop();
    watch_timer_.cancel();
    canary_timer_.cancel();
    if (intake_) intake_->stop();
    const auto still_running = co_await scheduler_.drain(std::chrono::steady_clock::now() + grace_);
    if (still_running > 0) {
      log::warn("checks still running after the grace period; stopping anyway",
                {{"checks", std::to_string(still_running)}, {"grace", format_duration(grace_)}});
    }
    save_timer_.cancel();
    save_unsaved();  // every check that finished, before the process ends
    tools_.reset();  // ends lookups that deadlines cut short, while the loop still runs
    co_return still_running;
  }

 private:
  bool ready() {
    if (!initial_round_done_ && store_.checked_count() == store_.entries().size()) {
      initial_round_done_ = true;
    }
    return config_loaded_ && initial_round_done_;
  }

  void refresh_stats() {
    stats_.checks_in_flight = scheduler_.in_flight();
    stats_.concurrency_limit = scheduler_.concurrency();
    stats_.schedule_lag_seconds = scheduler_.lag_seconds();
    note_egress();
  }

  /// Publishes the port-25 egress state, and logs when it changes.
  void note_egress() {
    const auto state = egress_.state(std::chrono::system_clock::now());
    if (state != probe::Port25Egress::unproven)
      stats_.port25_egress_up = state == probe::Port25Egress::working;
    if (state == egress_logged_) return;
    egress_logged_ = state;
    ++stats_.generation;
    if (state == probe::Port25Egress::blocked) {
      log::error("outbound port 25 presumed blocked: MX results are unknown until it works",
                 {{"canaries", std::to_string(config_.global.egress_canaries.size())}});
    } else {
      log::info("outbound port 25", {{"state", std::string(probe::to_string(state))}});
    }
  }

  /// Reads the config again; on failure keeps the running one.
  Result<void> reload(std::string_view trigger) {
    auto loaded = config::load_config(options_.config_file);
    Result<void> applied;
    if (!loaded) {
      std::vector<std::string> lines;
      for (const auto& e : loaded.error()) lines.push_back(e.to_string());
      applied = failure(join(lines, "; "));
    } else {
      applied = apply(std::move(*loaded));
    }
    ++stats_.generation;
    if (!applied) {
      stats_.config_last_reload_successful = false;
      log::error("reload failed; keeping the running configuration",
                 {{"trigger", std::string(trigger)},
                  {"file", options_.config_file},
                  {"err", applied.error()}});
    } else {
      log::info("configuration reloaded",
                {{"trigger", std::string(trigger)}, {"domains", std::to_string(targets_.size())}});
    }
    return applied;
  }

  /// Makes `config` the running configuration. Fails (and changes nothing) when the
  /// resolver or TLS contexts it asks for cannot be made.
  Result<void> apply(config::Config config) {
    const auto dane = dane_setup(config);
    if (!tools_ || tools_->dns_servers != config.global.dns_servers ||
        tools_->ca_file != config.global.ca_file || tools_->dane != dane ||
        tools_->smtp_sharing->reuse() != config.global.mx_probe_reuse) {
      auto made = probe::make_check_tools(io_.get_executor(), config.global.dns_servers,
                                          config.global.ca_file, dane);
      if (!made) return failure(std::move(made.error()));
      auto tools = std::move(*made);
      // Shared MX probes belong to these TLS contexts: a new CA starts afresh.
      tools->smtp_sharing = std::make_unique<probe::SmtpProbeSharing>(
          config.global.mx_probe_reuse, &stats_.smtp_probes_total,
          &stats_.smtp_probes_shared_total);
      tools_ = std::move(tools);
      // Validation is proven again by the next checks with the new setup.
      stats_.dane_validation_up.reset();
      dane_problem_logged_.reset();
    }
    egress_.set_round(config.global.check.interval);
    if (config.global.egress_canaries.empty()) egress_.clear_canaries();
    canary_timer_.cancel();  // a new list is greeted at once
    ehlo_name_ = config.global.ehlo_name.empty() ? default_ehlo_name() : config.global.ehlo_name;
    std::map<std::string, config::Target> owned;
    std::map<std::string, state::Labels> labels;
    std::vector<scheduler::ScheduledTarget> scheduled;
    for (auto& target : config.targets) {
      if (scheduler::shard_of(target.domain, stats_.shard_total) != stats_.shard_index) continue;
      labels[target.domain] = target.labels;
      scheduled.push_back({target.domain, target.check.interval, target.check.retry_interval});
      owned.emplace(target.domain, std::move(target));
    }
    targets_ = std::move(owned);
    store_.retain(labels);
    if (database_) {
      std::set<std::string> keep;
      for (const auto& [domain, target] : targets_) keep.insert(domain);
      if (auto forgotten = database_->forget_all_but(keep); !forgotten) {
        ++stats_.state_save_failures_total;
        log::error("cannot update the state database", {{"err", forgotten.error()}});
      }
    }
    scheduler_.set_concurrency(config.global.concurrency);
    scheduler_.set_targets(scheduled);
    target_files_fingerprint_ = config::target_files_fingerprint(config);
    config_ = std::move(config);
    // targets_ holds this shard's targets; the full list is not needed again.
    config_.targets.clear();
    config_.targets.shrink_to_fit();
    config_loaded_ = true;
    stats_.domains = targets_.size();
    stats_.config_last_reload_successful = true;
    stats_.config_last_reload_success_timestamp = unix_now();
    return {};
  }

  /// How DANE validates under `config`, or none: no domain checks DANE, or the default
  /// trust anchor is not installed (a warning then, not an error: dns-root-data is a
  /// recommendation, and MTA-STS checks work without it).
  std::optional<probe::DaneSetup> dane_setup(const config::Config& config) {
    bool wanted = config.global.check.dane;
    for (const auto& target : config.targets) wanted = wanted || target.check.dane;
    if (!wanted) return std::nullopt;
    const auto& global = config.global;
    if (!global.dane_trust_anchor_set && global.dane_resolver.empty() &&
        access(global.dane_trust_anchor.c_str(), R_OK) != 0) {
      log::warn(
          "DANE is not checked: no DNSSEC trust anchor (install dns-root-data, or set "
          "dane_trust_anchor or dane_resolver)",
          {{"trust_anchor", global.dane_trust_anchor}});
      return std::nullopt;
    }
    return probe::DaneSetup{global.dane_trust_anchor, global.dane_resolver};
  }

  /// Publishes whether DANE validation works, from a check that tried it, and logs changes.
  void note_dane_validation(const probe::DomainReport& report) {
    const bool up = report.dane_unavailable.empty();
    stats_.dane_validation_up = up;
    if (dane_problem_logged_ && *dane_problem_logged_ == report.dane_unavailable) return;
    dane_problem_logged_ = report.dane_unavailable;
    ++stats_.generation;
    if (up) {
      log::info("DANE validation works", {{"anchor", tools_->dnssec->anchor_zone()}});
    } else {
      log::error("DANE is not checked: DNSSEC validation does not work here",
                 {{"problem", report.dane_unavailable}});
    }
  }

  asio::awaitable<bool> check(std::string domain) {
    auto target = targets_.find(domain);
    if (target == targets_.end()) co_return false;
    const config::CheckSettings settings = target->second.check;
    auto tools = tools_;  // kept alive for this check even if a reload replaces it
    probe::CheckContext context = tools->context(&egress_);
    probe::CheckOptions options;
    options.timeout = settings.timeout;
    options.probe_mx = settings.probe_mx;
    options.ehlo_name = ehlo_name_;
    options.policy_port = settings.policy_port;
    options.smtp_port = settings.smtp_port;
    options.ipv4 = settings.ipv4;
    options.ipv6 = settings.ipv6;
    options.deny_private_addresses = config_.global.deny_private_addresses;
    options.dane = settings.dane;
    probe::EvaluationOptions evaluation;
    evaluation.own_rua = config_.global.tlsrpt_rua;
    evaluation.expiry_warning =
        std::chrono::duration_cast<std::chrono::seconds>(settings.expiry_warning);
    evaluation.now = std::chrono::system_clock::now();
    if (const auto* entry = store_.find(domain)) evaluation.previous = entry->history;
    probe::DomainReport report = co_await probe::check_domain(context, domain, options);

    ++stats_.checks_total;
    note_egress();
    // Only a check with this setup's resolver: a reload may have replaced it meanwhile.
    if (options.dane && tools->dnssec && tools == tools_) note_dane_validation(report);
    if (!store_.find(domain)) co_return false;  // removed by a reload meanwhile
    if (intake_) {
      report.sender_reports =
          intake_->recent(domain, std::chrono::system_clock::to_time_t(evaluation.now));
    }
    probe::PolicyHistory history = probe::evaluate(report, evaluation);
    auto stored = store_.record(std::move(report), std::move(history));
    if (database_) unsaved_.insert(domain);
    const bool failed =
        stored->verdict == probe::Verdict::fail || stored->verdict == probe::Verdict::unknown;
    if (failed) ++stats_.check_failures_total;
    if (failed || stored->verdict == probe::Verdict::warning) {
      std::vector<std::string> codes;
      for (const auto& f : stored->findings) {
        if (f.severity != Severity::info) codes.emplace_back(to_string(f.code));
      }
      log::write(failed ? log::Level::warn : log::Level::info, "check finished",
                 {{"domain", domain},
                  {"verdict", std::string(probe::to_string(stored->verdict))},
                  {"findings", join(codes, ",")},
                  {"duration", fmt::format("{:.3f}s", stored->seconds)}});
    } else if (log::enabled(log::Level::debug)) {
      log::debug("check finished", {{"domain", domain},
                                    {"verdict", "ok"},
                                    {"duration", fmt::format("{:.3f}s", stored->seconds)}});
    }
    co_return failed;
  }

  /// Serves what the state database kept: each configured domain's latest report, with its
  /// original check time, until its next check replaces it (no false all-clear after a
  /// restart), and what change detection remembers.
  void restore_state() {
    std::vector<std::string> notices;
    auto stored = database_->load(notices);
    for (const auto& notice : notices) log::warn("state", {{"problem", notice}});
    std::size_t reports = 0;
    for (auto& [domain, row] : stored) {
      if (!targets_.contains(domain)) continue;
      if (row.report) ++reports;
      store_.restore(domain, std::move(row.history), std::move(row.report), row.days);
    }
    log::info("state loaded", {{"path", options_.storage_path},
                               {"domains", std::to_string(stored.size())},
                               {"reports", std::to_string(reports)}});
  }

  /// The HTTPS way in for TLS-RPT reports, on a listener of its own: it faces the internet
  /// without authentication, so it has its own, smaller bounds.
  bool start_tlsrpt_receiver(std::ostream& err) {
    if (!intake_) {
      err << "mta-sts-agent: --tlsrpt.listen-address needs --storage.path (the report store)\n";
      return false;
    }
    receiver_ = std::make_unique<web::TlsRptReceiver>(intake_->store(), options_.storage_path,
                                                      checked_here(), input_counter("https", true));
    web::ServerOptions options;
    options.tls = server_options_.tls;
    options.max_connections = 64;
    options.max_body_bytes = 4u << 20;  // compressed; a day's report is kilobytes
    options.max_response_bytes = 1u << 20;
    auto server = web::HttpServer::start(
        io_.get_executor(), options_.tlsrpt_listen_address, options,
        [this](const web::HttpRequest& request,
               std::string_view body) -> asio::awaitable<web::HttpServerResponse> {
          co_return receiver_->handle(request, body, std::chrono::steady_clock::now());
        });
    if (!server) {
      err << "mta-sts-agent: --tlsrpt.listen-address: " << server.error() << '\n';
      return false;
    }
    tlsrpt_server_ = std::move(*server);
    log::info("listening for TLS-RPT reports", {{"address", listening_on(*tlsrpt_server_)},
                                                {"tls", options.tls ? "true" : "false"}});
    return true;
  }

  /// The report store's view of a domain for its status page (nothing without a store).
  std::function<std::vector<tlsrpt::ReportSummary>(const std::string&, std::time_t)>
  sender_reports_for_pages() {
    if (!intake_) return {};
    return [this](const std::string& domain, std::time_t since) {
      auto reports = intake_->store().reports_for(domain, since);
      if (!reports) {
        log::warn("cannot read the TLS-RPT report store", {{"err", reports.error()}});
        return std::vector<tlsrpt::ReportSummary>{};
      }
      return std::move(*reports);
    };
  }

  /// Reports are taken for the domains this agent (this shard) checks.
  tlsrpt::DomainFilter checked_here() {
    return [this](std::string_view domain) { return targets_.contains(std::string(domain)); };
  }

  /// Counts each input of a way in by outcome; `take_at_once`: a stored report is counted for
  /// its domain now rather than at the intake's next look.
  std::function<void(tlsrpt::IngestResult::Outcome)> input_counter(std::string source,
                                                                   bool take_at_once) {
    return [this, source = std::move(source), take_at_once](tlsrpt::IngestResult::Outcome outcome) {
      ++stats_.tlsrpt_inputs_total[{source, std::string(tlsrpt::to_string(outcome))}];
      ++stats_.generation;
      if (take_at_once && outcome == tlsrpt::IngestResult::Outcome::stored) intake_->take_new();
    };
  }

  /// The Maildir way in: the intake takes each new message on its looks.
  bool watch_maildir(std::ostream& err) {
    if (!intake_) {
      err << "mta-sts-agent: --tlsrpt.maildir needs --storage.path (the report store)\n";
      return false;
    }
    if (auto maildir = tlsrpt::validate_maildir(options_.tlsrpt_maildir); !maildir) {
      err << "mta-sts-agent: --tlsrpt.maildir: " << maildir.error() << '\n';
      return false;
    }
    intake_->watch_maildir(options_.tlsrpt_maildir, options_.storage_path, checked_here(),
                           input_counter("maildir", false));
    log::info("watching a Maildir for TLS-RPT reports", {{"maildir", options_.tlsrpt_maildir}});
    return true;
  }

  /// The IMAP way in: the intake polls the mailbox every minute on a worker thread.
  bool watch_imap(std::ostream& err) {
    const auto& imap = options_.tlsrpt_imap;
    const auto fail = [&err](const std::string& problem) {
      err << "mta-sts-agent: " << problem << '\n';
      return false;
    };
    if (!intake_) return fail("--tlsrpt.imap.url needs --storage.path (the report store)");
    if (auto url = tlsrpt::validate_imap_url(imap.url); !url) {
      return fail("--tlsrpt.imap.url: " + url.error());
    }
    if (imap.user.empty() || imap.password_file.empty()) {
      return fail("--tlsrpt.imap.url needs --tlsrpt.imap.user and --tlsrpt.imap.password-file");
    }
    auto password = read_file(imap.password_file, 4096);
    if (!password) return fail("--tlsrpt.imap.password-file: " + password.error());
    while (!password->empty() && (password->back() == '\n' || password->back() == '\r')) {
      password->pop_back();
    }
    tlsrpt::ImapOptions options;
    options.url = imap.url;
    options.user = imap.user;
    options.password = std::move(*password);
    options.processed_folder = imap.folder;
    options.ca_file = imap.ca_file;
    options.timeout = std::chrono::seconds(30);
    intake_->watch_imap(std::move(options), options_.storage_path, checked_here(),
                        input_counter("imap", false));
    log::info("polling an IMAP mailbox for TLS-RPT reports",
              {{"url", imap.url}, {"user", imap.user}, {"folder", imap.folder}});
    return true;
  }

  /// The TLS-RPT report store beside the state: a file that cannot be used is moved aside
  /// (as the state database is) and the daemon runs on without reports rather than not at all.
  void open_report_store() {
    const std::string path =
        options_.storage_path + "/" + std::string(tlsrpt::kReportDatabaseFileName);
    auto store = tlsrpt::ReportStore::open(options_.storage_path, 200);
    if (!store) {
      const auto aside = sqlite::move_aside(path);
      log::error("cannot use the TLS-RPT report store; moved aside, starting a new one",
                 {{"err", store.error()}, {"aside", aside ? *aside : aside.error()}});
      store = tlsrpt::ReportStore::open(options_.storage_path, 200);
    }
    if (!store) {
      log::error("cannot use the TLS-RPT report store; reports are not counted",
                 {{"err", store.error()}});
      return;
    }
    intake_ = std::make_unique<TlsRptIntake>(
        io_.get_executor(), std::move(*store), report_retention_,
        [this](const tlsrpt::ReportSummary& report) {
          if (!store_.add_sender_report(report)) {
            log::debug("TLS-RPT report for a domain not configured here",
                       {{"domain", report.domain}, {"organization", report.organization}});
          }
        },
        [this](const std::string& source) {
          ++stats_.tlsrpt_reports_total[source];
          ++stats_.generation;  // a cached /metrics render is stale now
        });
  }

  /// Writes the checks that finished since the last write, in one transaction (one per check
  /// cost more CPU than the check's DNS lookups).
  asio::awaitable<void> save_loop() {
    while (!stopping_) {
      save_timer_.expires_after(save_delay_);
      co_await save_timer_.async_wait(kTuple);
      if (stopping_) break;
      save_unsaved();
    }
  }

  void save_unsaved() {
    if (!database_ || unsaved_.empty()) return;
    std::vector<state::StateDatabase::Row> rows;
    for (const auto& domain : unsaved_) {
      const auto* entry = store_.find(domain);  // null: removed by a reload meanwhile
      if (!entry || !entry->report) continue;
      rows.push_back(
          {entry->report.get(), entry->history ? &*entry->history : nullptr, &entry->days});
    }
    if (auto saved = database_->save(rows); !saved) {
      // Kept for the next write: a lock held for a while (an operator's sqlite3 session) or a
      // full disk delays the state, it does not lose it.
      ++stats_.state_save_failures_total;
      save_delay_ = std::min<std::chrono::milliseconds>(2 * save_delay_, kStateSaveBackoffMax);
      log::error("cannot save the state; trying again later",
                 {{"err", saved.error()},
                  {"domains", std::to_string(rows.size())},
                  {"retry_in", format_duration(save_delay_)}});
      return;
    }
    save_delay_ = kStateSaveEvery;
    unsaved_.clear();
  }

  /// Greets the egress canaries every minute (when there are any): they prove or disprove
  /// outbound port 25 where the fleet's own MX hosts are too few to tell.
  asio::awaitable<void> canary_loop() {
    while (!stopping_) {
      const auto canaries = config_.global.egress_canaries;
      if (!canaries.empty()) {
        auto tools = tools_;
        probe::CheckContext context = tools->context();
        const auto results =
            co_await probe::greet_canaries(context, canaries, ehlo_name_, kCanaryTimeout);
        if (stopping_) break;
        bool any = false;
        for (const auto& r : results) {
          any = any || r.reached;
          if (!r.reached)
            log::warn("egress canary did not answer", {{"canary", r.canary}, {"err", r.detail}});
        }
        // Only if the list was not replaced meanwhile: its result says nothing of the new one.
        if (config_.global.egress_canaries.size() == canaries.size()) {
          egress_.record_canaries(any, std::chrono::system_clock::now());
          note_egress();
        }
      }
      canary_timer_.expires_after(kCanariesEvery);
      co_await canary_timer_.async_wait(kTuple);
    }
  }

  /// file_sd semantics: a target file that changes, appears or disappears is picked up
  /// without a signal.
  asio::awaitable<void> watch_loop() {
    while (!stopping_) {
      watch_timer_.expires_after(kTargetFilePollEvery);
      co_await watch_timer_.async_wait(kTuple);
      if (stopping_) break;
      if (config::target_files_fingerprint(config_) != target_files_fingerprint_) {
        // Whatever the outcome, wait for the next change before trying again.
        target_files_fingerprint_ = config::target_files_fingerprint(config_);
        reload("target file changed");
      }
    }
  }

  asio::awaitable<web::HttpServerResponse> serve_request(const web::HttpRequest& request,
                                                         std::string_view body) {
    auto access = web::Access::granted;
    if (auth_ && auth_->enabled()) {
      const auto auth = auth_;  // the coroutine keeps it, whatever happens meanwhile
      access = co_await auth->check(request.header("authorization"), request.client);
      if (access != web::Access::granted) {
        // A refused client waits before its answer: a flood of wrong or excess passwords
        // answered at once would keep the event loop busy with nothing but refusals.
        asio::steady_timer tarpit(io_, kRefusalDelay);
        co_await tarpit.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
      }
    }
    refresh_stats();
    co_return web::handle_request(*endpoints_, request, body, access);
  }

  static constexpr std::chrono::milliseconds kRefusalDelay{200};

  asio::io_context& io_;
  ServeOptions options_;
  std::chrono::milliseconds grace_;
  std::chrono::milliseconds report_retention_;
  config::Config config_;
  bool config_loaded_ = false;
  bool initial_round_done_ = false;
  bool stopping_ = false;
  std::map<std::string, config::Target> targets_;  ///< the domains of this shard
  std::string ehlo_name_;
  std::string target_files_fingerprint_;
  /// What checks share; replaced when a reload changes the DNS servers or the CA file, while
  /// running checks keep the one they started with.
  std::shared_ptr<probe::CheckTools> tools_;
  state::DomainStore store_;
  metrics::AgentStats stats_;
  scheduler::Scheduler scheduler_;
  metrics::Collector collector_;
  web::WebConfig web_config_;
  web::ServerOptions server_options_;
  /// Where bcrypt runs: one thread at nice 10 (BasicAuth limits how often it may run), never
  /// the event loop that checks and scrapes share.
  asio::thread_pool password_workers_{1};
  std::shared_ptr<web::BasicAuth> auth_;
  std::unique_ptr<web::Endpoints> endpoints_;
  std::unique_ptr<web::HttpServer> server_;
  std::unique_ptr<state::StateDatabase> database_;  ///< with --storage.path
  std::unique_ptr<TlsRptIntake> intake_;            ///< with --storage.path
  std::unique_ptr<web::TlsRptReceiver> receiver_;   ///< with --tlsrpt.listen-address
  std::unique_ptr<web::HttpServer> tlsrpt_server_;
  std::set<std::string> unsaved_;  ///< checked since the last write to database_
  std::chrono::milliseconds save_delay_ = kStateSaveEvery;  ///< grows while writes fail
  asio::steady_timer watch_timer_;
  asio::steady_timer canary_timer_;
  asio::steady_timer save_timer_;
  /// Taken from the start, before the server listens: a SIGTERM right after "listening" is a
  /// graceful stop, not the default action that kills the process.
  asio::signal_set signals_;
  /// Port-25 evidence from every check and the canaries; one round = the check interval.
  probe::Port25EgressMonitor egress_{std::chrono::minutes(15)};
  probe::Port25Egress egress_logged_ = probe::Port25Egress::unproven;
  /// The DANE validation problem last logged ("" when it works); none before the first.
  std::optional<std::string> dane_problem_logged_;
};

}  // namespace

/// Raises the soft limit of open files to the hard one: every check holds sockets, and the
/// default soft limit (1024) is what 100 checks in flight with several MX addresses reach.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  const auto before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
    log::debug("raised the open file limit",
               {{"from", std::to_string(before)}, {"to", std::to_string(limit.rlim_cur)}});
  }
}

int run_serve(const ServeOptions& options, std::ostream& err) {
  metrics::process_start_time_seconds();  // now is when the process started
  raise_open_file_limit();
  const auto usage = [&err](const std::string& message) {
    err << "mta-sts-agent serve: " << message << '\n';
    return kExitUsage;
  };
  const auto level = log::level_from_name(options.log_level);
  const auto format = log::format_from_name(options.log_format);
  if (!level) return usage("--log.level must be debug, info, warn or error");
  if (!format) return usage("--log.format must be logfmt or json");
  log::configure(*level, *format);
  const auto grace =
      config::parse_setting_duration(options.shutdown_grace, config::limits::kShutdownGrace, true);
  if (!grace) return usage("--shutdown.grace " + grace.error());
  const auto retention =
      config::parse_setting_duration(options.tlsrpt_retention, config::limits::kReportRetention);
  if (!retention) return usage("--tlsrpt.retention " + retention.error());
  if (options.shard_total == 0) return usage("--shard.total must be at least 1");
  std::size_t shard_index = 0;
  if (options.shard_index) {
    shard_index = *options.shard_index;
  } else if (options.shard_total > 1) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    const auto ordinal = scheduler::ordinal_from_hostname(host);
    if (!ordinal) {
      return usage(
          fmt::format("--shard.total is {} but --shard.index is not set and the host "
                      "name \"{}\" does not end in -<ordinal>",
                      options.shard_total, host));
    }
    shard_index = *ordinal;
  }
  if (shard_index >= options.shard_total) {
    return usage(fmt::format("--shard.index {} must be less than --shard.total {}", shard_index,
                             options.shard_total));
  }
  if (!options.storage_path.empty() && access(options.storage_path.c_str(), W_OK) != 0) {
    return usage(
        fmt::format("--storage.path {} is not a writable directory", options.storage_path));
  }

  asio::io_context io(1);
  Daemon daemon(io, options, shard_index, *grace, *retention);
  log::info("starting mta-sts-agent",
            {{"version", version()},
             {"config", options.config_file},
             {"shard", fmt::format("{}/{}", shard_index, options.shard_total)}});
  if (!daemon.start(err)) return kExitUsage;
  std::size_t still_running = 0;
  asio::co_spawn(io, daemon.run_until_signalled(), [&](std::exception_ptr e, std::size_t n) {
    if (e) std::rethrow_exception(e);
    still_running = n;
    io.stop();
  });
  io.run();
  log::info("stopped");
  // Checks cut off by the grace period still hold sockets and lookups on the stopped loop;
  // ending the process now is cleaner than unwinding them.
  if (still_running > 0) std::_Exit(kExitOk);
  return kExitOk;
}

}  // namespace mtasts::app
