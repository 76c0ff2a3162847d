#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <ostream>

#include "app/check_command.hpp"
#include "app/lint_command.hpp"
#include "app/serve_command.hpp"
#include "app/tlsrpt_command.hpp"
#include "common/version.hpp"
#include "config/config.hpp"

namespace mtasts::app {
namespace {

void add_color_option(CLI::App& command, report::ColorChoice& color) {
  command
      .add_option_function<std::string>(
          "--color",
          [&color](const std::string& value) {
            color = value == "always"  ? report::ColorChoice::always
                    : value == "never" ? report::ColorChoice::never
                                       : report::ColorChoice::automatic;
          },
          "Colour the text output: auto (on a terminal, unless NO_COLOR is set), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN")
      ->default_str("auto");
}

void add_output_options(CLI::App& command, LintOptions& options) {
  command.add_flag("--json", options.json, "Print one JSON object instead of text");
  add_color_option(command, options.color);
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "mta-sts-agent checks MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) deployments.\n"
      "Exit codes: 0 no error findings, 1 error findings, 2 usage or input error.",
      "mta-sts-agent"};
  app.set_version_flag("--version", "mta-sts-agent " + version());
  bool config_check = false;
  std::string config_file = "mta-sts-agent.yml";
  app.add_flag("--config.check", config_check,
               "Validate the configuration file and its target files, print what is wrong, and "
               "exit 0 (valid) or 1");
  app.add_option("--config.file", config_file, "The configuration file")
      ->default_str("mta-sts-agent.yml");
  app.require_subcommand(0, 1);
  app.fallthrough(false);

  // The daemon's flags live on the top level, so `mta-sts-agent --web.listen-address=...`
  // and `mta-sts-agent serve --web.listen-address=...` both work (serve is the default).
  ServeOptions serve_options;
  app.add_option("--web.listen-address", serve_options.listen_address,
                 "Address to serve /metrics, the status page and the API on: :PORT (every "
                 "address), IP:PORT, [IPv6]:PORT or localhost:PORT")
      ->default_str(":8461");
  app.add_option("--web.config.file", serve_options.web_config_file,
                 "exporter-toolkit web config (YAML): tls_server_config (cert_file, key_file, "
                 "client_ca_file, client_auth_type, min_version), basic_auth_users (bcrypt "
                 "hashes), http_server_config.headers");
  app.add_option("--log.level", serve_options.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->default_str("info");
  app.add_option("--log.format", serve_options.log_format, "Log line format on stderr")
      ->check(CLI::IsMember({"logfmt", "json"}))
      ->default_str("logfmt");
  app.add_option("--storage.path", serve_options.storage_path,
                 "Writable directory for the state database (state.db, SQLite): each domain's "
                 "latest report, served at once after a restart, and what change detection "
                 "remembers; and the TLS-RPT report store (tlsrpt.db) that `tlsrpt ingest` "
                 "writes. One agent per directory. Unset: kept in memory only");
  app.add_option("--shard.index", serve_options.shard_index,
                 "This replica's shard, 0 .. total-1. Default: the ordinal at the end of the "
                 "host name (a StatefulSet pod's mta-sts-agent-3 is 3) when --shard.total > 1");
  app.add_option("--shard.total", serve_options.shard_total,
                 "How many replicas split the configured domains; each checks only the domains "
                 "whose stable hash falls in its shard")
      ->default_str("1")
      ->check(CLI::PositiveNumber);
  app.add_flag("--web.enable-lifecycle", serve_options.enable_lifecycle,
               "Enable POST /-/reload (off by default, as in Prometheus; SIGHUP always reloads)");
  app.add_option("--tlsrpt.retention", serve_options.tlsrpt_retention,
                 "How long TLS-RPT reports stay in the report store (tlsrpt.db under "
                 "--storage.path), by the end of the period they cover")
      ->default_str("30d");
  app.add_option("--tlsrpt.listen-address", serve_options.tlsrpt_listen_address,
                 "Where senders POST TLS-RPT reports (rua=https://...): a listener of its own, "
                 "without basic auth, TLS from --web.config.file (plain HTTP without it, for a "
                 "reverse proxy in front). Needs --storage.path. Off by default");
  app.add_option("--tlsrpt.maildir", serve_options.tlsrpt_maildir,
                 "A Maildir that the rua=mailto: address is delivered to: each new message is "
                 "taken as a TLS-RPT report and moved to cur/ as seen. Needs --storage.path");
  app.add_option("--tlsrpt.imap.url", serve_options.tlsrpt_imap.url,
                 "An IMAP mailbox that the rua=mailto: address is delivered to, polled every "
                 "minute: imaps://HOST[:PORT]/MAILBOX, or imap:// with STARTTLS (required). "
                 "Needs --storage.path, --tlsrpt.imap.user and --tlsrpt.imap.password-file");
  app.add_option("--tlsrpt.imap.user", serve_options.tlsrpt_imap.user, "The IMAP user");
  app.add_option("--tlsrpt.imap.password-file", serve_options.tlsrpt_imap.password_file,
                 "A file that holds the IMAP password (one line), readable by the agent only");
  app.add_option("--tlsrpt.imap.folder", serve_options.tlsrpt_imap.folder,
                 "Where messages whose report was taken are moved (created when missing)")
      ->default_str("TLSRPT-processed");
  app.add_option("--tlsrpt.imap.ca-file", serve_options.tlsrpt_imap.ca_file,
                 "PEM bundle of the CAs to trust for the IMAP server instead of the system's");
  app.add_option("--shutdown.grace", serve_options.shutdown_grace,
                 "On SIGTERM, how long running checks may take to finish")
      ->default_str("10s");
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Run the daemon (the default): check every configured domain on its schedule and serve "
      "/metrics, the status page (/), /api/v1/domains, /-/healthy, /-/ready and, with "
      "--web.enable-lifecycle, POST /-/reload. SIGHUP reloads the configuration; a changed "
      "target file is picked up by itself.");
  serve->fallthrough(true);

  LintOptions options;
  CLI::App* lint = app.add_subcommand(
      "lint",
      "Check records, policy files and TLSA records offline against RFC 8461, RFC 8460 and "
      "RFC 7672");
  lint->require_subcommand(1);

  CLI::App* record = lint->add_subcommand(
      "record",
      "Check _mta-sts TXT records. Several arguments are the whole set of TXT records at the "
      "name (RFC 8461 §3.1 selects among them). An argument in quotes, as dig prints it "
      "(\"v=STSv1; \" \"id=1\"), is one record of several strings.");
  record->add_option("TXT", options.inputs, "TXT record text")->required();
  add_output_options(*record, options);

  CLI::App* tlsrpt = lint->add_subcommand(
      "tlsrpt",
      "Check _smtp._tls TLS-RPT TXT records (RFC 8460 §3). Several arguments are the whole set "
      "of TXT records at the name.");
  tlsrpt->add_option("TXT", options.inputs, "TXT record text")->required();
  add_output_options(*tlsrpt, options);

  CLI::App* policy = lint->add_subcommand(
      "policy", "Check an MTA-STS policy file (RFC 8461 §3.2); '-' reads standard input");
  policy->add_option("FILE", options.inputs, "Policy file, or - for standard input")
      ->required()
      ->expected(1);
  policy
      ->add_option("--mx", options.mx_hosts,
                   "An MX host of the domain (repeatable): reports whether the policy covers it "
                   "and which patterns cover no given host (RFC 8461 §4.1)")
      ->allow_extra_args(false);
  add_output_options(*policy, options);

  CLI::App* tlsa = lint->add_subcommand(
      "tlsa",
      "Check an MX host's TLSA records against its certificate (DANE for SMTP, RFC 7672): for "
      "each record whether SMTP senders can use it and whether it matches. Records as in a "
      "zone file (\"3 1 1 <hex>\"), one argument each: the whole set at _25._tcp.<host>.");
  tlsa->add_option("RECORD", options.inputs, "TLSA record")->required();
  tlsa->add_option("--cert", options.cert_file,
                   "PEM file: the server's certificate first, then the chain it sends")
      ->required();
  tlsa->add_option("--host", options.host,
                   "The MX host's name, which DANE-TA(2) records require the certificate to "
                   "have (RFC 7672 §3.2.2); without it names are not checked");
  add_output_options(*tlsa, options);

  CheckCommandOptions check_options;
  CLI::App* check = app.add_subcommand(
      "check",
      "Check domains over the network as a sending MTA would: the _mta-sts and _smtp._tls "
      "records, the policy from every address of mta-sts.<domain>, and STARTTLS on every "
      "address of every MX host. Domains are checked concurrently.");
  check->add_option("DOMAIN", check_options.domains, "Domains to check")->required();
  check->add_flag("--json", check_options.json,
                  "Print the JSON report (one object, or an array for several domains)");
  add_color_option(*check, check_options.color);
  check
      ->add_option("--dns-server", check_options.dns_servers,
                   "DNS server as IP or IP:PORT ([IPv6]:PORT); repeatable. Default: the servers "
                   "of /etc/resolv.conf")
      ->allow_extra_args(false);
  check->add_option("--ca-file", check_options.ca_file,
                    "PEM bundle of trusted CAs instead of the system store");
  check->add_option("--dane-trust-anchor", check_options.dane_trust_anchor,
                    "Check DANE too (RFC 7672: DNSSEC-validated MX, address and TLSA lookups, "
                    "each MX certificate judged against its TLSA records), validating from this "
                    "trust anchor file of DS or DNSKEY records, e.g. /usr/share/dns/root.key");
  check->add_flag("--dane", check_options.dane,
                  "Check DANE too, validating from /usr/share/dns/root.key (dns-root-data)");
  check->add_option("--dane-resolver", check_options.dane_resolver,
                    "Check DANE too, trusting the AD bit of this validating resolver on this "
                    "machine (loopback IP[:PORT]) instead of validating here");
  check
      ->add_option("--timeout", check_options.timeout,
                   "Deadline for each domain's whole check (30s, 2m, 1m30s)")
      ->default_str("60s");
  check->add_flag("--no-mx", check_options.no_mx,
                  "Do not connect to the MX hosts (DNS and policy only), e.g. where port 25 is "
                  "blocked");
  check->add_flag("--deny-private-addresses", check_options.deny_private_addresses,
                  "Do not connect to loopback, private, link-local or ULA addresses; report them "
                  "(address_private_refused), as the daemon does with deny_private_addresses");
  check->add_option("--ehlo-name", check_options.ehlo_name,
                    "Name to send in EHLO. Default: this machine's fully qualified host name");
  check
      ->add_option("--expiry-warning", check_options.expiry_warning,
                   "Report certificates that expire within this time")
      ->default_str("14d");
  check
      ->add_option("--policy-port", check_options.policy_port,
                   "HTTPS port of policy hosts (for labs)")
      ->default_str("443");
  check->add_option("--smtp-port", check_options.smtp_port, "SMTP port of MX hosts (for labs)")
      ->default_str("25");
  check->add_option("--egress-canary", check_options.egress_canaries,
                    "A known-good SMTP server (HOST:PORT, repeatable) greeted to prove that "
                    "outbound port 25 works; without one, the run's own MX probes decide");

  TlsRptIngestOptions ingest_options;
  CLI::App* reports = app.add_subcommand(
      "tlsrpt", "TLS-RPT aggregate reports (RFC 8460) that senders send to the domains' rua");
  reports->require_subcommand(1);
  CLI::App* ingest = reports->add_subcommand(
      "ingest",
      "Store TLS-RPT reports for the daemon: mail messages (multipart/report with an "
      "application/tlsrpt+gzip or +json part), or the report as JSON or gzipped JSON, from the "
      "FILEs or standard input. For a mail server's pipe transport, a Sieve or procmail rule, or a "
      "cron job. Exit codes (sysexits, as a pipe transport reads them): 0 stored or already "
      "stored, 65 not a valid report (kept under tlsrpt-rejected/), 66 a file cannot be read, "
      "75 the store is busy or unwritable (the mail server retries)");
  ingest
      ->add_option("--storage.path", ingest_options.storage_path,
                   "The daemon's --storage.path: reports go to its tlsrpt.db")
      ->required();
  ingest->add_option("FILE", ingest_options.files,
                     "Message or report files; - or none: standard input");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (config_check) {
    const auto result = config::load_config(config_file);
    if (!result) {
      const auto& errors = result.error();
      for (const auto& e : errors) err << e.to_string() << '\n';
      err << "mta-sts-agent: " << config_file << " is not valid (" << errors.size()
          << (errors.size() == 1 ? " error" : " errors") << ")\n";
      return kExitFindings;
    }
    const auto& config = *result;
    out << config_file << " is valid: " << config.targets.size() << " targets from "
        << config.files_read.size() << (config.files_read.size() == 1 ? " file" : " files") << '\n';
    return kExitOk;
  }
  if (check->parsed()) return run_check(check_options, out, err);
  if (serve->parsed() || app.get_subcommands().empty()) {
    serve_options.config_file = config_file;
    return run_serve(serve_options, err);
  }
  if (ingest->parsed()) return tlsrpt_ingest(ingest_options, std::cin, out, err);
  if (record->parsed()) return lint_record(options, out, err);
  if (tlsrpt->parsed()) return lint_tlsrpt(options, out, err);
  if (policy->parsed()) return lint_policy(options, out, err);
  if (tlsa->parsed()) return lint_tlsa(options, out, err);
  err << app.help();
  return kExitUsage;
}

}  // namespace mtasts::app
