#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <ostream>

#include "app/lint_command.hpp"

#ifndef MTASTS_VERSION
#define MTASTS_VERSION "unknown"
#endif

namespace mtasts::app {
namespace {

void add_output_options(CLI::App& command, LintOptions& options) {
  command.add_flag("--json", options.json, "Print one JSON object instead of text");
  command
      .add_option_function<std::string>(
          "--color",
          [&options](const std::string& value) {
            options.color = value == "always"  ? report::ColorChoice::always
                            : value == "never" ? report::ColorChoice::never
                                               : report::ColorChoice::automatic;
          },
          "Colour the text output: auto (on a terminal, unless NO_COLOR is set), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN")
      ->default_str("auto");
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "mta-sts-agent checks MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) deployments.\n"
      "Exit codes: 0 no error findings, 1 error findings, 2 usage or input error.",
      "mta-sts-agent"};
  app.set_version_flag("--version", std::string("mta-sts-agent ") + MTASTS_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);

  LintOptions options;
  CLI::App* lint = app.add_subcommand(
      "lint", "Check records and policy files offline against RFC 8461 and RFC 8460");
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (record->parsed()) return lint_record(options, out, err);
  if (tlsrpt->parsed()) return lint_tlsrpt(options, out, err);
  if (policy->parsed()) return lint_policy(options, out, err);
  err << app.help();
  return kExitUsage;
}

}  // namespace mtasts::app
