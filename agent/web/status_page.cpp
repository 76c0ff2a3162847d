#include "web/status_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <vector>

#include "common/time.hpp"
#include "dane/tlsa_record.hpp"
#include "mtasts/idna.hpp"
#include "mtasts/policy_mode.hpp"
#include "probe/sender_outlook.hpp"
#include "web/report_charts.hpp"

namespace mtasts::web {
namespace {

using probe::Verdict;

constexpr std::string_view kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.4em;margin:0 0 .3em} h2{font-size:1.1em;margin:1.4em 0 .4em}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eee} a{color:#0645ad;text-decoration:none} a:hover{text-decoration:underline}
.v{display:inline-block;min-width:5.5em;text-align:center;border-radius:3px;padding:1px 6px;
color:#fff;font-weight:600}
.v-ok{background:#2e7d32}.v-warning{background:#ef8f00}.v-fail{background:#c62828}
.v-unknown{background:#6d6d6d}.v-pending{background:#9e9e9e}
.s-error{color:#c62828;font-weight:600}.s-warning{color:#b26a00}.s-info{color:#555}
.summary span{margin-right:1.2em} .muted{color:#777} code{font-size:13px}
pre{background:#fff;border:1px solid #ddd;padding:8px;overflow:auto;max-height:30em}
svg.chart{background:#fff;border:1px solid #ddd;margin:.3em 0}
svg .ok{fill:#2e7d32} svg .failed{fill:#c62828} svg .none{fill:#ddd} svg .soon{fill:#ef8f00}
svg .axis{font:11px system-ui,sans-serif;fill:#444} svg .muted{fill:#888}
svg.strip{border:0;background:none} svg .d-ok{fill:#2e7d32} svg .d-warning{fill:#ef8f00}
svg .d-fail{fill:#c62828} svg .d-unknown{fill:#6d6d6d} svg .d-none{fill:#e3e3e3}
)";

/// What senders reported for one domain over 2 days (from the latest check), as a cell.
std::string senders_cell(const probe::DomainReport& r) {
  if (!r.sender_reports || r.sender_reports->reports == 0) return {};
  const auto& s = *r.sender_reports;
  const std::uint64_t total = tlsrpt::saturating_add(s.successful, s.failed);
  if (s.failed == 0) return fmt::format("<span class=\"muted\">{} sessions ok</span>", total);
  return fmt::format("<span class=\"s-error\">{} failed</span> of {}", s.failed, total);
}

/// DANE for the overview: whether DANE senders use it and would deliver.
std::string dane_cell(const probe::DomainReport& r) {
  if (!r.dnssec) return "<span class=\"muted\">not checked</span>";
  const auto outlook = probe::sender_outlook(r);
  if (!outlook || !outlook->dane) return {};
  const auto& view = *outlook->dane;
  if (!view.policy) return "<span class=\"s-warning\">lookup failed</span>";
  if (*view.policy != probe::SenderPolicy::dane) return "<span class=\"muted\">no TLSA</span>";
  switch (view.delivers) {
    case probe::Delivery::yes: return "TLSA matches";
    case probe::Delivery::no: return "<span class=\"s-error\">senders defer</span>";
    case probe::Delivery::unknown: return "<span class=\"muted\">TLSA, not probed</span>";
  }
  return {};
}

/// Which policy each kind of sender applies, and whether it would deliver (README, "DANE").
std::string senders_section(const probe::DomainReport& r) {
  const auto outlook = probe::sender_outlook(r);
  if (!outlook) return {};
  std::string body =
      "<h2>Which policy senders apply</h2>\n<table id=\"senders\"><thead><tr><th>senders</th>"
      "<th>policy</th><th>would deliver</th><th>why</th></tr></thead><tbody>\n";
  const auto row = [&body](std::string_view kind, const probe::SenderView& view) {
    const auto delivers = probe::to_string(view.delivers);
    body += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>\n", kind,
        view.policy ? std::string(probe::to_string(*view.policy)) : std::string("unknown"),
        view.delivers == probe::Delivery::no ? "s-error" : "", delivers, html_escape(view.why));
  };
  row("MTA-STS (e.g. Gmail, Outlook.com)", outlook->mta_sts);
  if (outlook->dane) row("DANE (e.g. Postfix, Exim)", *outlook->dane);
  return body + "</tbody></table>\n";
}

/// DANE per MX host: DNSSEC status, the TLSA records, and what each address's chain matched.
std::string dane_section(const probe::DomainReport& r) {
  if (!r.dnssec) return {};
  std::string body = "<h2>DANE</h2>\n";
  if (!r.dnssec->error.empty()) {
    body += fmt::format("<p>MX records: <span class=\"s-warning\">lookup failed</span> ({})</p>\n",
                        html_escape(r.dnssec->error));
  } else {
    body += fmt::format("<p>MX records: DNSSEC <b>{}</b></p>\n",
                        dane::to_string(r.dnssec->mx_security));
  }
  body +=
      "<table id=\"dane\"><thead><tr><th>host</th><th>DNSSEC</th><th>TLSA records</th>"
      "<th>chains</th></tr></thead><tbody>\n";
  for (const auto& mx : r.mx) {
    if (!mx.dane) continue;
    const auto& d = *mx.dane;
    if (!d.error.empty()) {
      body += fmt::format(
          "<tr><td>{}</td><td colspan=\"3\" class=\"s-warning\">lookup failed: {}</td></tr>\n",
          html_escape(mx.host), html_escape(d.error));
      continue;
    }
    std::string records;
    for (const auto& t : d.tlsa) {
      const auto unusable = dane::unusable_reason(t);
      records += fmt::format(
          "<code>{}</code>{}<br>", html_escape(dane::to_presentation(t)),
          unusable ? " <span class=\"muted\">unusable: " + html_escape(*unusable) + "</span>"
                   : std::string());
    }
    if (d.tlsa.empty()) records = "<span class=\"muted\">none</span>";
    std::string chains;
    for (const auto& p : mx.probes) {
      if (!p.dane) continue;
      chains += fmt::format("{}: {}<br>", html_escape(p.endpoint.address().to_string()),
                            p.dane->matched ? std::string("matches")
                                            : "<span class=\"s-error\">no match</span> " +
                                                  html_escape(p.dane->error_text));
    }
    if (chains.empty()) {
      chains = probe::dane_applies(r, mx) ? "<span class=\"muted\">no chain seen</span>"
                                          : "<span class=\"muted\">DANE does not apply</span>";
    }
    body += fmt::format(
        "<tr><td>{}</td><td>addresses {} · TLSA {}</td><td>{}<span class=\"muted\">{}</span>"
        "</td><td>{}</td></tr>\n",
        html_escape(mx.host), dane::to_string(d.address_security), dane::to_string(d.tlsa_security),
        records, html_escape(d.tlsa_name(mx.host)), chains);
  }
  return body + "</tbody></table>\n";
}

std::uint64_t reported_failures(const state::DomainEntry& entry) {
  return entry.report && entry.report->sender_reports ? entry.report->sender_reports->failed : 0;
}

/// Every certificate the latest check saw, per host and role, the earliest over its addresses.
std::vector<CertificateExpiry> certificates_of(const probe::DomainReport& r,
                                               const std::string& prefix) {
  std::vector<CertificateExpiry> out;
  const auto add = [&](const std::string& label, const net::SharedTlsFacts& tls) {
    if (!tls || !tls->has_certificate) return;
    for (auto& c : out) {
      if (c.label == label) {
        c.not_after = std::min(c.not_after, tls->certificate.not_after);
        c.verified = c.verified && tls->certificate.verified;
        return;
      }
    }
    out.push_back({label, tls->certificate.not_after, tls->certificate.verified});
  };
  for (const auto& f : r.policy.fetches) add(prefix + "policy " + r.policy.host, f.tls);
  for (const auto& mx : r.mx) {
    for (const auto& p : mx.probes) add(prefix + "mx " + mx.host, p.tls);
  }
  return out;
}

/// The domain's reports of the last 30 days: a chart of the days, then a row per report.
std::string sender_reports_section(const std::vector<tlsrpt::ReportSummary>& reports,
                                   std::chrono::system_clock::time_point now) {
  std::string body = "<h2>What senders reported (TLS-RPT, last 30 days)</h2>\n";
  if (reports.empty()) {
    return body +
           "<p class=\"muted\">No report. Senders send them to the addresses in the "
           "<code>rua</code> of <code>_smtp._tls</code>; see the README for pointing them at "
           "this agent.</p>\n";
  }
  body += daily_sessions_svg(reports, std::chrono::system_clock::to_time_t(now));
  body +=
      "<table id=\"reports\"><thead><tr><th>period</th><th>reporter</th><th>policy</th>"
      "<th>successful</th><th>failed</th><th>failures by type and MX</th><th>came by</th>"
      "</tr></thead><tbody>\n";
  for (const auto& r : reports) {
    std::string failures;
    for (const auto& f : r.failures) {
      failures += fmt::format(
          "<code>{}</code> {}{}<br>", html_escape(f.result_type), f.sessions,
          f.receiving_mx.empty() ? std::string() : " at " + html_escape(f.receiving_mx));
    }
    body += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td>"
        "<td class=\"muted\">{}</td></tr>\n",
        utc_date(r.start), html_escape(r.organization), html_escape(r.policy_type), r.successful,
        r.failed > 0 ? "s-error" : "", r.failed, failures, html_escape(r.source));
  }
  return body + "</tbody></table>\n";
}

int rank(const state::DomainEntry& entry) {
  if (!entry.report) return 4;
  switch (entry.report->verdict) {
    case Verdict::fail: return 0;
    case Verdict::unknown: return 1;
    case Verdict::warning: return 2;
    case Verdict::ok: return 3;
  }
  return 4;
}

std::string verdict_badge(const state::DomainEntry& entry) {
  const std::string name =
      entry.report ? std::string(probe::to_string(entry.report->verdict)) : std::string("pending");
  return fmt::format(R"(<span class="v v-{0}">{0}</span>)", name);
}

std::string when(std::time_t t, std::chrono::system_clock::time_point now) {
  const auto seconds = t - std::chrono::system_clock::to_time_t(now);
  const auto days = seconds / 86400;
  std::string relative;
  if (seconds >= 0) {
    relative = days >= 2 ? fmt::format("in {} days", days) : fmt::format("in {} h", seconds / 3600);
  } else {
    relative =
        -days >= 2 ? fmt::format("{} days ago", -days) : fmt::format("{} h ago", -seconds / 3600);
  }
  return fmt::format("{} <span class=\"muted\">({})</span>", rfc3339(t), relative);
}

std::string page(std::string_view title, const std::string& body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{}</title><style>{}</style></head><body>\n{}</body></html>\n",
      html_escape(title), kStyle, body);
}

std::string finding_list(const std::vector<Finding>& findings, bool with_info) {
  std::string out;
  std::vector<std::string_view> seen;
  for (const auto& f : findings) {
    if (!with_info && f.severity == Severity::info) continue;
    const auto code = to_string(f.code);
    if (std::find(seen.begin(), seen.end(), code) != seen.end()) continue;
    seen.push_back(code);
    out += fmt::format(R"(<code class="s-{}" title="{}">{}</code> )", to_string(f.severity),
                       html_escape(spec(f.code).title), code);
  }
  return out;
}

std::string policy_mode(const probe::DomainReport& r) {
  if (r.policy.parsed && r.policy.parsed->mode)
    return std::string(to_string(*r.policy.parsed->mode));
  return "";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::optional<std::time_t> earliest_certificate_expiry(const probe::DomainReport& r) {
  std::optional<std::time_t> earliest;
  auto consider = [&earliest](const net::SharedTlsFacts& tls) {
    if (!tls || !tls->has_certificate || tls->certificate.not_after == 0) return;
    const auto t = tls->certificate.not_after;
    earliest = earliest ? std::min(*earliest, t) : t;
  };
  for (const auto& f : r.policy.fetches) consider(f.tls);
  for (const auto& mx : r.mx) {
    for (const auto& p : mx.probes) consider(p.tls);
  }
  return earliest;
}

std::string render_status_page(const PageContext& c) {
  std::vector<std::pair<const std::string*, const state::DomainEntry*>> rows;
  std::size_t counts[5] = {};
  for (const auto& [domain, entry] : c.store.entries()) {
    rows.emplace_back(&domain, &entry);
    ++counts[rank(entry)];
  }
  // Worst verdict first; within a verdict, the most failures senders reported first.
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (rank(*a.second) != rank(*b.second)) return rank(*a.second) < rank(*b.second);
    return reported_failures(*a.second) > reported_failures(*b.second);
  });

  std::string body = "<h1>mta-sts-agent</h1>\n";
  body += fmt::format(
      "<p class=\"summary\"><span>{} domains</span><span class=\"v v-fail\">{} fail</span> "
      "<span class=\"v v-unknown\">{} unknown</span> <span class=\"v v-warning\">{} warning</span> "
      "<span class=\"v v-ok\">{} ok</span> <span class=\"v v-pending\">{} pending</span></p>\n",
      rows.size(), counts[0], counts[1], counts[2], counts[3], counts[4]);
  body += fmt::format(
      "<p class=\"muted\">version {} · shard {} of {} · {} checks in flight (limit {}) · "
      "config {} · <a href=\"/metrics\">metrics</a> · <a href=\"/api/v1/domains\">JSON</a></p>\n",
      html_escape(c.version), c.stats.shard_index, c.stats.shard_total, c.stats.checks_in_flight,
      c.stats.concurrency_limit,
      c.stats.config_last_reload_successful ? "loaded" : "<b class=\"s-error\">reload failed</b>");
  // The certificates that expire next, over every domain (a shared MX host once).
  // One pass with a set: at 10,000 domains a scan of the list per certificate was quadratic.
  std::vector<CertificateExpiry> next_expiring;
  std::set<std::pair<std::string, std::time_t>> seen;  // (role and host, expiry)
  for (const auto& [domain, entry] : c.store.entries()) {
    if (!entry.report) continue;
    for (auto& cert : certificates_of(*entry.report, domain + ": ")) {
      const auto host = cert.label.substr(cert.label.find(": ") + 2);
      if (seen.emplace(host, cert.not_after).second) next_expiring.push_back(std::move(cert));
    }
  }
  const auto shown = std::min<std::size_t>(next_expiring.size(), 10);
  std::partial_sort(next_expiring.begin(),
                    next_expiring.begin() + static_cast<std::ptrdiff_t>(shown), next_expiring.end(),
                    [](const auto& a, const auto& b) { return a.not_after < b.not_after; });
  next_expiring.resize(shown);
  if (!next_expiring.empty()) {
    body += "<h2>Certificates that expire next</h2>\n";
    body += expiry_countdown_svg(next_expiring, std::chrono::system_clock::to_time_t(c.now),
                                 "expiry-timeline");
  }
  body +=
      "<table id=\"domains\"><thead><tr><th>domain</th><th>verdict</th><th>mode</th>"
      "<th>policy id</th><th>DANE</th><th>earliest certificate expiry</th><th>active findings</th>"
      "<th>senders, 2 days</th><th>checked</th></tr></thead><tbody>\n";
  for (const auto& [domain, entry] : rows) {
    const auto* r = entry->report.get();
    std::string expiry, findings, checked, mode, id, senders, dane;
    if (r) {
      senders = senders_cell(*r);
      dane = dane_cell(*r);
      if (auto t = earliest_certificate_expiry(*r)) expiry = when(*t, c.now);
      findings = finding_list(r->findings, false);
      checked = rfc3339(std::chrono::system_clock::to_time_t(r->started));
      mode = policy_mode(*r);
      id = html_escape(r->sts_record.id.value_or(""));
    }
    body += fmt::format(
        "<tr data-domain=\"{0}\"><td><a href=\"/domains/{0}\">{7}</a></td><td>{1}</td><td>{2}</td>"
        "<td><code>{3}</code></td><td>{9}</td><td>{4}</td><td>{5}</td><td>{8}</td>"
        "<td class=\"muted\">{6}</td></tr>\n",
        html_escape(*domain), verdict_badge(*entry), mode, id, expiry, findings, checked,
        html_escape(display_name(*domain)), senders, dane);
  }
  body += "</tbody></table>\n";
  return page("mta-sts-agent", body);
}

std::string render_domain_page(const PageContext& c, const std::string& domain,
                               const state::DomainEntry& entry,
                               std::optional<std::chrono::system_clock::time_point> next_check) {
  std::string body = fmt::format("<p><a href=\"/\">← all domains</a></p><h1>{} {}</h1>\n",
                                 html_escape(display_name(domain)), verdict_badge(entry));
  body += fmt::format(
      "<p class=\"muted\">next check: {} · <a href=\"/api/v1/domains/{}\">JSON "
      "report</a></p>\n",
      next_check ? rfc3339(std::chrono::system_clock::to_time_t(*next_check))
                 : std::string("running now"),
      html_escape(domain));
  const auto* r = entry.report.get();
  if (!r) return page(domain, body + "<p>Not checked yet.</p>\n");

  body += fmt::format("<p>checked {} in {:.2f} s</p>\n",
                      rfc3339(std::chrono::system_clock::to_time_t(r->started)), r->seconds);
  body += "<h2>The last 30 days</h2>\n" +
          verdict_strip_svg(entry.days, std::chrono::system_clock::to_time_t(c.now));
  body += "<h2>Findings</h2>\n";
  if (r->findings.empty()) {
    body += "<p>None: senders can deliver with TLS as the policy asks.</p>\n";
  } else {
    body +=
        "<table id=\"findings\"><thead><tr><th>severity</th><th>code</th><th>subject</th>"
        "<th>what was found</th><th>what to do</th></tr></thead><tbody>\n";
    for (const auto& f : r->findings) {
      body += fmt::format(
          "<tr><td class=\"s-{0}\">{0}</td><td><code>{1}</code></td><td>{2}</td><td>{3}</td>"
          "<td>{4} <span class=\"muted\">{5}</span></td></tr>\n",
          to_string(f.severity), to_string(f.code), html_escape(f.subject), html_escape(f.message),
          html_escape(spec(f.code).advice), html_escape(spec(f.code).rfc));
    }
    body += "</tbody></table>\n";
  }

  body += senders_section(*r);
  body += "<h2>Records and policy</h2>\n<table><tbody>\n";
  body += fmt::format("<tr><th>_mta-sts TXT</th><td>{} <code>{}</code></td></tr>\n",
                      html_escape(probe::to_string(r->sts_status)),
                      html_escape(r->sts_record.id.value_or("")));
  body += fmt::format("<tr><th>_smtp._tls TXT</th><td>{}</td></tr>\n",
                      html_escape(probe::to_string(r->tlsrpt_status)));
  body += fmt::format("<tr><th>policy</th><td>{}", html_escape(probe::to_string(r->policy_status)));
  if (const auto& p = r->policy.parsed) {
    std::string patterns;
    for (const auto& mx : p->mx) patterns += fmt::format("<code>{}</code> ", html_escape(mx));
    body += fmt::format(" · mode {} · max_age {} · mx {}", policy_mode(*r),
                        p->max_age ? std::to_string(*p->max_age) : std::string("?"), patterns);
  }
  body += "</td></tr>\n";
  if (entry.history && entry.history->last_change != 0) {
    body += fmt::format("<tr><th>last policy change</th><td>{}</td></tr>\n",
                        when(entry.history->last_change, c.now));
  }
  if (entry.history && entry.history->previous_expiry != 0) {
    // RFC 8461 §8.3: when it is safe to remove an old MX host or the retired policy's hosts.
    body += fmt::format(
        "<tr><th>previous policy may be applied until</th><td id=\"previous-expiry\">{} "
        "<span class=\"muted\">senders that fetched the policy before the latest change or "
        "disappearance keep it for its max_age</span></td></tr>\n",
        when(entry.history->previous_expiry, c.now));
  }
  for (const auto& f : r->policy.fetches) {
    std::string cert;
    if (f.tls && f.tls->has_certificate) {
      cert = fmt::format(" · certificate {} expires {}",
                         f.tls->certificate.verified ? "valid" : "INVALID",
                         when(f.tls->certificate.not_after, c.now));
    }
    body +=
        fmt::format("<tr><th>{} {}</th><td>HTTP {}{}{}</td></tr>\n", html_escape(r->policy.host),
                    html_escape(f.endpoint.address().to_string()),
                    f.response ? std::to_string(f.response->status) : std::string("-"),
                    f.error == net::FetchError::none ? std::string()
                                                     : " · " + std::string(net::to_string(f.error)),
                    cert);
  }
  body += "</tbody></table>\n";

  if (const auto certificates = certificates_of(*r, ""); !certificates.empty()) {
    body += "<h2>Certificates</h2>\n";
    body += expiry_countdown_svg(certificates, std::chrono::system_clock::to_time_t(c.now),
                                 "expiry-countdown");
  }

  body +=
      "<h2>MX hosts</h2>\n<table id=\"mx\"><thead><tr><th>host</th><th>pref</th>"
      "<th>policy match</th><th>address</th><th>STARTTLS</th><th>TLS</th><th>certificate</th>"
      "</tr></thead><tbody>\n";
  for (const auto& mx : r->mx) {
    const std::string match = mx.policy_match ? "<code>" + html_escape(*mx.policy_match) + "</code>"
                                              : std::string("<span class=\"s-error\">none</span>");
    if (mx.probes.empty()) {
      body += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td colspan=\"4\" class=\"muted\">not probed"
          "</td></tr>\n",
          html_escape(mx.host), mx.preference, match);
    }
    for (const auto& p : mx.probes) {
      const bool ok = p.stage == net::SmtpStage::quit || p.stage == net::SmtpStage::done;
      std::string cert;
      if (p.tls && p.tls->has_certificate) {
        cert = fmt::format("{} · expires {}", p.tls->certificate.verified ? "valid" : "INVALID",
                           when(p.tls->certificate.not_after, c.now));
      }
      body += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td "
          "class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>\n",
          html_escape(mx.host), mx.preference, match, html_escape(p.endpoint.address().to_string()),
          ok ? "" : "s-error", ok ? std::string("ok") : std::string(net::to_string(p.error)),
          html_escape(p.tls ? p.tls->version : ""), cert);
    }
  }
  body += "</tbody></table>\n";
  body += dane_section(*r);

  if (c.sender_reports) {
    const auto since = std::chrono::system_clock::to_time_t(c.now) - 30 * 86400;
    body += sender_reports_section(c.sender_reports(domain, since), c.now);
  }

  body +=
      "<h2>Recent checks</h2>\n<table id=\"recent\"><thead><tr><th>started</th><th>verdict</th>"
      "<th>seconds</th><th>warnings and errors</th></tr></thead><tbody>\n";
  for (const auto& s : entry.recent) {
    std::string codes;
    for (auto code : s.codes) codes += fmt::format("<code>{}</code> ", to_string(code));
    body += fmt::format("<tr><td>{}</td><td>{}</td><td>{:.2f}</td><td>{}</td></tr>\n",
                        rfc3339(s.at), probe::to_string(s.verdict), s.seconds, codes);
  }
  body += "</tbody></table>\n";
  return page(domain, body);
}

}  // namespace mtasts::web
