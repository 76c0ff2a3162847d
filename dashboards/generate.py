#!/usr/bin/env python3
"""Writes the Grafana dashboards of mta-sts-agent: mta-sts-fleet.json and mta-sts-domain.json.

The JSON files are committed; edit this script and run `python3 dashboards/generate.py` rather
than editing the JSON, so panels keep the same datasource, units and layout rules. Metric names
are the contract of README.md ("Metrics"); tests/unit/deploy checks every query with promtool
and the end-to-end lab test runs each one against a real Prometheus.
"""
import json
import pathlib

DS = {"type": "prometheus", "uid": "${datasource}"}
HERE = pathlib.Path(__file__).resolve().parent
VERDICT_RANK = ('(3 * max by (domain) (mtasts_domain_verdict{job=~"$job", verdict="fail"})'
                ' + 2 * max by (domain) (mtasts_domain_verdict{job=~"$job", verdict="unknown"})'
                ' + max by (domain) (mtasts_domain_verdict{job=~"$job", verdict="warning"}))')
VERDICT_MAPPING = [{"type": "value", "options": {
    "0": {"text": "ok", "color": "green", "index": 0},
    "1": {"text": "warning", "color": "yellow", "index": 1},
    "2": {"text": "unknown", "color": "purple", "index": 2},
    "3": {"text": "fail", "color": "red", "index": 3}}}]
VALID_MAPPING = [{"type": "value", "options": {
    "0": {"text": "no", "color": "red", "index": 0},
    "1": {"text": "yes", "color": "green", "index": 1}}}]


class Layout:
    """Places panels left to right on Grafana's 24-column grid."""

    def __init__(self):
        self.x, self.y, self.row_height, self.next_id = 0, 0, 0, 1

    def place(self, panel, w, h):
        if self.x + w > 24:
            self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        panel["gridPos"] = {"x": self.x, "y": self.y, "w": w, "h": h}
        panel["id"] = self.next_id
        self.next_id += 1
        self.x += w
        self.row_height = max(self.row_height, h)
        return panel

    def row(self, title):
        if self.x:
            self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        panel = {"type": "row", "title": title, "collapsed": False, "panels": []}
        self.place(panel, 24, 1)
        self.x, self.y, self.row_height = 0, self.y + 1, 0
        return panel


def target(expr, legend="", instant=False, table=False, ref="A"):
    t = {"datasource": DS, "expr": expr, "refId": ref, "legendFormat": legend or "__auto"}
    if instant:
        t.update({"instant": True, "range": False})
    if table:
        t["format"] = "table"
    return t


def panel(kind, title, description, targets, unit="none", mappings=None, thresholds=None,
          options=None, overrides=None, transformations=None, decimals=None, custom=None,
          links=None):
    defaults = {"unit": unit, "mappings": mappings or [],
                "thresholds": thresholds or {"mode": "absolute",
                                             "steps": [{"color": "green", "value": None}]}}
    if decimals is not None:
        defaults["decimals"] = decimals
    if custom:
        defaults["custom"] = custom
    if links:
        defaults["links"] = links
    p = {"type": kind, "title": title, "description": description, "datasource": DS,
         "targets": targets, "fieldConfig": {"defaults": defaults, "overrides": overrides or []},
         "options": options or {}}
    if transformations:
        p["transformations"] = transformations
    return p


def steps(*pairs):
    return {"mode": "absolute",
            "steps": [{"color": c, "value": v} for c, v in pairs]}


def stat(title, description, expr, unit="none", legend="", mappings=None, thresholds=None,
         text_mode="auto", color_mode="value"):
    return panel("stat", title, description, [target(expr, legend, instant=True)], unit,
                 mappings, thresholds,
                 {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                  "textMode": text_mode, "colorMode": color_mode, "graphMode": "none",
                  "justifyMode": "auto", "orientation": "auto"})


def timeseries(title, description, targets, unit="none", stack=False, bars=False,
               thresholds=None):
    custom = {"drawStyle": "bars" if bars else "line", "fillOpacity": 60 if bars or stack else 10,
              "stacking": {"mode": "normal" if stack else "none", "group": "A"},
              "showPoints": "never", "lineWidth": 1, "spanNulls": False}
    return panel("timeseries", title, description, targets, unit, thresholds=thresholds,
                 custom=custom,
                 options={"legend": {"displayMode": "table", "placement": "bottom",
                                     "showLegend": True, "calcs": ["lastNotNull"]},
                          "tooltip": {"mode": "multi", "sort": "desc"}})


def state_timeline(title, description, expr, legend, mappings):
    return panel("state-timeline", title, description, [target(expr, legend)], mappings=mappings,
                 thresholds=steps(("green", None)),
                 custom={"fillOpacity": 80, "lineWidth": 0},
                 options={"showValue": "never", "mergeValues": True, "rowHeight": 0.8,
                          "alignValue": "left",
                          "legend": {"displayMode": "list", "placement": "bottom",
                                     "showLegend": False},
                          "tooltip": {"mode": "single", "sort": "none"}})


def table(title, description, expr, columns, sort_by, desc=True, unit_overrides=None,
          domain_link=False, mappings_overrides=None):
    """An instant query as a table; `columns` maps label names to column titles, in order."""
    rename = {name: header for name, header in columns}
    order = {name: i for i, (name, _) in enumerate(columns)}
    excluded = {"Time": True, "__name__": True, "job": True, "instance": True}
    if "Value" not in rename:
        excluded["Value"] = True
    overrides = []
    for field, unit in (unit_overrides or {}).items():
        overrides.append({"matcher": {"id": "byName", "options": field},
                          "properties": [{"id": "unit", "value": unit}]})
    for field, (mappings, thresholds) in (mappings_overrides or {}).items():
        overrides.append({"matcher": {"id": "byName", "options": field},
                          "properties": [{"id": "mappings", "value": mappings},
                                         {"id": "thresholds", "value": thresholds},
                                         {"id": "custom.cellOptions",
                                          "value": {"type": "color-background"}}]})
    if domain_link:
        overrides.append({"matcher": {"id": "byName", "options": rename.get("domain", "domain")},
                          "properties": [{"id": "links", "value": [{
                              "title": "Open ${__value.raw} in the domain dashboard",
                              "url": "/d/mtasts-domain/mta-sts-domain?${datasource:queryparam}"
                                     "&var-domain=${__value.raw}"}]}]})
    return panel("table", title, description, [target(expr, instant=True, table=True)],
                 overrides=overrides,
                 options={"showHeader": True, "cellHeight": "sm",
                          "footer": {"show": False, "reducer": ["sum"], "fields": ""},
                          "sortBy": [{"displayName": sort_by, "desc": desc}]},
                 transformations=[{"id": "organize", "options": {
                     "excludeByName": excluded, "indexByName": order,
                     "renameByName": rename}}])


def variables(with_domain):
    v = [
        {"type": "datasource", "name": "datasource", "label": "Data source", "query": "prometheus",
         "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": []},
        {"type": "query", "name": "job", "label": "Job", "datasource": DS,
         "query": {"query": "label_values(mtasts_agent_build_info, job)", "refId": "job"},
         "definition": "label_values(mtasts_agent_build_info, job)",
         "includeAll": True, "multi": True, "allValue": ".+", "current": {}, "hide": 0,
         "refresh": 2, "regex": "", "sort": 1, "options": []},
    ]
    if with_domain:
        v.append({"type": "query", "name": "domain", "label": "Domain", "datasource": DS,
                  "query": {"query": 'label_values(mtasts_domain_info{job=~"$job"}, domain)',
                            "refId": "domain"},
                  "definition": 'label_values(mtasts_domain_info{job=~"$job"}, domain)',
                  "includeAll": False, "multi": False, "current": {}, "hide": 0, "refresh": 2,
                  "regex": "", "sort": 1, "options": []})
    return v


def dashboard(uid, title, description, panels, with_domain, links):
    return {
        "uid": uid, "title": title, "description": description,
        "tags": ["mta-sts", "mail"], "timezone": "browser", "editable": True,
        "graphTooltip": 1, "refresh": "1m", "schemaVersion": 39, "version": 1,
        "time": {"from": "now-7d", "to": "now"},
        "templating": {"list": variables(with_domain)},
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
            "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
            "name": "Annotations & Alerts", "type": "dashboard"}]},
        "links": links, "panels": panels,
    }


def fleet():
    L = Layout()
    j = '{job=~"$job"}'
    p = [L.row("Fleet")]
    p.append(L.place(stat("Domains", "Domains the agents are configured to check, over all shards.",
                          f"sum(mtasts_agent_domains{j})"), 4, 4))
    for verdict, color in (("ok", "green"), ("warning", "yellow"), ("fail", "red"),
                           ("unknown", "purple")):
        p.append(L.place(stat(
            f"Verdict {verdict}", f"Domains whose latest check ended with the verdict {verdict}.",
            f'sum(mtasts_domain_verdict{{job=~"$job", verdict="{verdict}"}})',
            thresholds=steps(("text", None), (color, 1)), color_mode="background"), 4, 4))
    p.append(L.place(stat(
        "Critical alerts", "MTA-STS alerts firing now with severity critical: under an enforce "
        "policy, senders would refuse mail, or a certificate has expired.",
        'count(ALERTS{alertstate="firing", alertname=~"MTASTS.*", severity="critical"}) or vector(0)',
        thresholds=steps(("green", None), ("red", 1)), color_mode="background"), 4, 4))
    p.append(L.place(panel(
        "piechart", "Policy modes", "Domains by the mode of their valid policy; domains without a "
        "valid policy are not counted.",
        [target('count by (mode) (mtasts_policy_info{job=~"$job"})', "{{mode}}", instant=True)],
        options={"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                 "pieType": "donut", "displayLabels": ["name", "value"],
                 "legend": {"displayMode": "table", "placement": "right", "showLegend": True,
                            "values": ["value"]},
                 "tooltip": {"mode": "single", "sort": "none"}}), 8, 8))
    p.append(L.place(timeseries(
        "Verdicts over time", "How many domains had each verdict, by the agents' latest checks.",
        [target('sum by (verdict) (mtasts_domain_verdict{job=~"$job"})', "{{verdict}}")],
        stack=True), 12, 8))
    p.append(L.place(stat(
        "Port 25 egress", "Whether each agent's outbound port 25 works (a connection to some MX "
        "host or egress canary came back this round) or is presumed blocked; while blocked, "
        "the MX results are unknown. Empty before the first evidence.",
        f"mtasts_agent_port25_egress_up{j}", legend="{{instance}}",
        mappings=[{"type": "value", "options": {"1": {"text": "working", "color": "green"},
                                                "0": {"text": "BLOCKED", "color": "red"}}}],
        thresholds=steps(("red", None), ("green", 1)), color_mode="background"), 4, 8))
    p.append(L.row("Problems"))
    p.append(L.place(table(
        "Domains not ok, worst first", "Domains whose latest check was not ok: fail first, then "
        "unknown, then warning. Click a domain for its dashboard.",
        f"sort_desc({VERDICT_RANK} > 0)",
        [("domain", "domain"), ("Value", "verdict")], "verdict", domain_link=True,
        mappings_overrides={"verdict": (VERDICT_MAPPING, steps(("green", None)))}), 8, 10))
    p.append(L.place(table(
        "Active findings", "Every active finding of severity error or warning: the code, what it "
        "is about (subject) and its severity under the domain's policy mode. See the README's "
        "finding table and RUNBOOK.md.",
        'sort(mtasts_finding{job=~"$job", severity=~"error|warning"})',
        [("domain", "domain"), ("severity", "severity"), ("code", "code"),
         ("subject", "subject")], "severity", desc=False, domain_link=True), 16, 10))
    p.append(L.row("Certificates and policy changes"))
    p.append(L.place(table(
        "Certificates by expiry", "The 25 policy and MX certificates that expire first, with the "
        "time left (negative: expired). Alerts: 14 days warning, 3 days critical.",
        'bottomk(25, mtasts_cert_not_after_timestamp_seconds{job=~"$job"} - time())',
        [("domain", "domain"), ("role", "role"), ("host", "host"), ("Value", "expires in")],
        "expires in", desc=False, unit_overrides={"expires in": "s"},
        mappings_overrides={"expires in": ([], steps(("red", None), ("orange", 3 * 86400),
                                                      ("yellow", 14 * 86400),
                                                      ("green", 30 * 86400)))}), 12, 10))
    p.append(L.place(timeseries(
        "Policy changes", "Domains whose TXT id or policy body changed, per hour, as first seen "
        "by the agents (kept across restarts).",
        [target('sum(changes(mtasts_policy_last_change_timestamp_seconds{job=~"$job"}[1h]))',
                "changes per hour"),
         target('count(mtasts_finding{job=~"$job", code="policy_changed_without_id_change"}) '
                'or vector(0)', "changed without a new id", ref="B")], bars=True), 12, 10))
    p.append(L.row("DANE and which policy senders apply"))
    p.append(L.place(stat(
        "DANE validation", "Whether each agent's DNSSEC validation works (the trust anchor's "
        "zone validates); while it does not, DANE is not checked. Empty where DANE is off.",
        f"mtasts_agent_dane_validation_up{j}", legend="{{instance}}",
        mappings=[{"type": "value", "options": {"1": {"text": "working", "color": "green"},
                                                "0": {"text": "BROKEN", "color": "red"}}}],
        thresholds=steps(("red", None), ("green", 1)), color_mode="background"), 4, 8))
    p.append(L.place(stat(
        "DANE senders defer", "Domains to which senders that do DANE would not deliver now (a "
        "TLSA record that matches no certificate, STARTTLS missing, bogus DNSSEC).",
        f'count(mtasts_sender_delivers{{job=~"$job", sender="dane"}} == 0) or vector(0)',
        thresholds=steps(("green", None), ("red", 1)), color_mode="background"), 4, 8))
    p.append(L.place(table(
        "Which policy senders apply", "Domains by the policy each kind of sender applies: DANE "
        "senders (dane where an MX host has DNSSEC-secure TLSA, else none) and MTA-STS senders "
        "(the policy's mode, none without a valid policy).",
        f"count by (sender, policy) (mtasts_sender_policy{j})",
        [("sender", "senders"), ("policy", "policy"), ("Value", "domains")], "domains"), 6, 8))
    p.append(L.place(table(
        "MX hosts whose TLSA does not match", "MX hosts whose certificate no usable TLSA record "
        "matches: DANE senders defer mail to them (MTASTSDaneTlsaMismatch). Usually a renewed "
        "certificate with a new key.",
        f"mtasts_mx_tlsa_match{j} == 0", [("domain", "domain"), ("mx", "MX host")], "domain",
        desc=False, domain_link=True), 10, 8))
    p.append(L.row("What senders reported (TLS-RPT)"))
    p.append(L.place(table(
        "Domains with failures senders reported", "Domains whose senders' TLS-RPT reports of "
        "the last 2 days count failed sessions, worst first: tlsrpt_failures_unexplained means "
        "the senders fail where every probe from here succeeds. Click a domain for its dashboard.",
        'sort_desc(count by (domain, code, severity) (mtasts_finding{job=~"$job", '
        'code=~"tlsrpt_failures_reported|tlsrpt_failures_unexplained"}))',
        [("domain", "domain"), ("code", "code"), ("severity", "severity")], "severity",
        domain_link=True), 8, 9))
    p.append(L.place(timeseries(
        "Sessions senders reported, per day", "Sessions in the TLS-RPT reports received, by "
        "result (reports cover a UTC day and arrive within a day or so).",
        [target('sum by (result) (increase(mtasts_tlsrpt_sessions_total{job=~"$job"}[1d]))',
                "{{result}}")], bars=True), 8, 9))
    p.append(L.place(timeseries(
        "Failed sessions by result type, per day", "Failed sessions in the TLS-RPT reports "
        "received, by RFC 8460 result type.",
        [target('sum by (result_type) (increase(mtasts_tlsrpt_failed_sessions_total{job=~"$job"}'
                '[1d]))', "{{result_type}}")], stack=True, bars=True), 8, 9))
    p.append(L.row("Agents"))
    p.append(L.place(stat(
        "Agents up", "Replicas of the agent that Prometheus scrapes successfully, of all targets "
        "in the job.", 'sum(up{job=~"$job"}) / count(up{job=~"$job"})', unit="percentunit",
        thresholds=steps(("red", None), ("green", 1)), color_mode="background"), 4, 4))
    p.append(L.place(stat(
        "Config reload", "Whether the last configuration (re)load of every replica succeeded; a "
        "failed reload keeps the previous configuration.",
        f"min(mtasts_agent_config_last_reload_successful{j})",
        mappings=VALID_MAPPING, thresholds=steps(("red", None), ("green", 1)),
        color_mode="background"), 4, 4))
    p.append(L.place(stat(
        "Shards", "Replicas reporting, and the number of shards they were started with "
        "(--shard.total); they must be equal.",
        f"count(mtasts_agent_shards{j})", legend="replicas"), 4, 4))
    p.append(L.place(stat(
        "Checked once", "Share of the configured domains that have been checked at least once "
        "since the agents started.",
        f"sum(mtasts_agent_domains_checked{j}) / sum(mtasts_agent_domains{j})",
        unit="percentunit", thresholds=steps(("orange", None), ("green", 1))), 4, 4))
    p.append(L.place(stat(
        "Schedule lag", "How long the most overdue domain has waited past its due time for a "
        "free check slot. Above 15 minutes: MTASTSChecksStale.",
        f"max(mtasts_agent_schedule_lag_seconds{j})", unit="s",
        thresholds=steps(("green", None), ("orange", 300), ("red", 900))), 4, 4))
    p.append(L.place(stat(
        "State save failures", "Failed writes to the state database (latest reports and change "
        "detection history) in the last hour.", f"sum(increase(mtasts_agent_state_save_failures_total{j}[1h]))",
        thresholds=steps(("green", None), ("red", 1))), 4, 4))
    p.append(L.place(timeseries(
        "Checks per second", "Domain checks finished, and those that ended fail or unknown.",
        [target(f"sum by (instance) (rate(mtasts_agent_checks_total{j}[$__rate_interval]))",
                "{{instance}} checks"),
         target(f"sum by (instance) (rate(mtasts_agent_check_failures_total{j}"
                "[$__rate_interval]))", "{{instance}} fail/unknown", ref="B")],
        unit="ops"), 6, 8))
    p.append(L.place(timeseries(
        "SMTP sessions per second", "STARTTLS probes of MX addresses made, and those answered "
        "by another domain's probe of the same MX host instead (mx_probe_reuse): for domains "
        "on shared MX hosts, most probes are shared.",
        [target(f"sum by (instance) (rate(mtasts_agent_smtp_probes_total{j}[$__rate_interval]))",
                "{{instance}} sessions"),
         target(f"sum by (instance) (rate(mtasts_agent_smtp_probes_shared_total{j}"
                "[$__rate_interval]))", "{{instance}} shared", ref="B")],
        unit="ops"), 6, 8))
    p.append(L.place(timeseries(
        "Checks in flight", "Checks running now against the concurrency limit.",
        [target(f"sum by (instance) (mtasts_agent_checks_in_flight{j})", "{{instance}} running"),
         target(f"sum by (instance) (mtasts_agent_check_concurrency_limit{j})",
                "{{instance}} limit", ref="B")]), 6, 8))
    p.append(L.place(timeseries(
        "CPU and memory", "CPU used by each agent (cores) and its resident memory.",
        [target(f"rate(process_cpu_seconds_total{j}[$__rate_interval])", "{{instance}} CPU"),
         target(f"process_resident_memory_bytes{j}", "{{instance}} RSS", ref="B")],
        unit="none"), 6, 8))
    # The memory series on its own axis, in bytes.
    p[-1]["fieldConfig"]["overrides"] = [{
        "matcher": {"id": "byFrameRefID", "options": "B"},
        "properties": [{"id": "unit", "value": "bytes"},
                       {"id": "custom.axisPlacement", "value": "right"}]}]
    return dashboard("mtasts-fleet", "MTA-STS fleet",
                     "Every domain mta-sts-agent checks: verdicts, modes, findings, certificates, "
                     "policy changes and the agents' health.", p, False,
                     [{"title": "Domain", "type": "link", "url": "/d/mtasts-domain/mta-sts-domain",
                       "includeVars": False, "keepTime": True, "targetBlank": False,
                       "icon": "dashboard", "tooltip": "", "tags": [], "asDropdown": False}])


def domain():
    L = Layout()
    d = 'job=~"$job", domain="$domain"'
    p = [L.row("$domain")]
    p.append(L.place(stat(
        "Verdict", "The verdict of the latest check: ok, warning, fail (senders may refuse "
        "mail under enforce, or see no policy) or unknown (the check could not tell).",
        VERDICT_RANK.replace('job=~"$job"', d), mappings=VERDICT_MAPPING,
        thresholds=steps(("green", None), ("yellow", 1), ("purple", 2), ("red", 3)),
        color_mode="background"), 4, 4))
    p.append(L.place(stat(
        "Mode and id", "The policy's mode and the TXT record's id, from the latest valid policy.",
        f"mtasts_policy_info{{{d}}}", legend="{{mode}} (id {{id}})", text_mode="name"), 6, 4))
    for title, metric, desc in (
            ("_mta-sts record", "mtasts_sts_record_valid",
             "Whether exactly one valid v=STSv1 TXT record is at _mta-sts.<domain>."),
            ("Policy", "mtasts_policy_valid",
             "Whether the policy was fetched over verified HTTPS and is valid."),
            ("TLS-RPT record", "mtasts_tlsrpt_record_valid",
             "Whether exactly one valid v=TLSRPTv1 TXT record is at _smtp._tls.<domain>.")):
        p.append(L.place(stat(title, desc, f"{metric}{{{d}}}", mappings=VALID_MAPPING,
                              thresholds=steps(("red", None), ("green", 1)),
                              color_mode="background"), 3, 4))
    p.append(L.place(stat(
        "Policy HTTP status", "The HTTP status of the policy fetch; 0 when no answer came.",
        f"mtasts_policy_http_status_code{{{d}}}",
        thresholds=steps(("red", None), ("green", 200), ("red", 201))), 2, 4))
    p.append(L.place(stat("max_age", "The policy's max_age: how long senders cache it.",
                          f"mtasts_policy_max_age_seconds{{{d}}}", unit="s",
                          thresholds=steps(("orange", None), ("yellow", 86400),
                                           ("green", 604800))), 3, 4))
    p.append(L.place(stat(
        "Policy last changed", "When the TXT id or the policy body last changed, as first seen "
        "by the agent.", f"mtasts_policy_last_change_timestamp_seconds{{{d}}} * 1000",
        unit="dateTimeFromNow"), 6, 4))
    p.append(L.place(stat(
        "Mode since", "Since when the policy has had its current mode.",
        f"mtasts_policy_mode_since_timestamp_seconds{{{d}}} * 1000", unit="dateTimeFromNow"),
        6, 4))
    p.append(L.place(stat(
        "Previous policy may be applied until", "After the policy changed or disappeared: "
        "until when senders may still apply the one seen before (it was replaced or gone + its "
        "max_age, RFC 8461 §8.3), e.g. when the old MX host can go. Empty when nothing changed.",
        f"mtasts_policy_previous_expiry_timestamp_seconds{{{d}}} * 1000",
        unit="dateTimeFromNow"), 6, 4))
    p.append(L.place(stat(
        "Last check", "How long ago the latest check started.",
        f"time() - mtasts_check_last_run_timestamp_seconds{{{d}}}", unit="s"), 6, 4))
    p.append(L.place(stat(
        "Check duration", "How long the latest check took.",
        f"mtasts_check_duration_seconds{{{d}}}", unit="s"), 6, 4))
    p.append(L.row("Findings"))
    p.append(L.place(table(
        "Active findings", "The findings of the latest check, with their severity under the "
        "policy's mode. RUNBOOK.md says what each means and how to fix it.",
        f"sort(mtasts_finding{{{d}}})",
        [("severity", "severity"), ("code", "code"), ("subject", "subject")], "severity",
        desc=False), 10, 9))
    p.append(L.place(state_timeline(
        "Findings history", "When each finding was active.",
        f"mtasts_finding{{{d}}}", "{{severity}} {{code}} {{subject}}",
        [{"type": "value", "options": {"1": {"text": "active", "color": "orange"}}}]), 14, 9))
    p.append(L.row("MX hosts"))
    p.append(L.place(state_timeline(
        "MX hosts covered by the policy", "Whether an mx line of the policy matches each MX "
        "host; under enforce, senders refuse hosts that are not covered.",
        f"mtasts_mx_policy_match{{{d}}}", "{{mx}}", VALID_MAPPING), 12, 8))
    p.append(L.place(state_timeline(
        "STARTTLS per MX and address family", "Whether STARTTLS and the TLS handshake "
        "succeeded on every address of each MX host, per family.",
        f"mtasts_mx_starttls_success{{{d}}}", "{{mx}} {{family}}", VALID_MAPPING), 12, 8))
    p.append(L.place(table(
        "TLS versions", "The TLS versions each MX host negotiated in the latest check.",
        f"mtasts_mx_tls_version_info{{{d}}}", [("mx", "MX host"), ("version", "TLS version")],
        "MX host", desc=False), 8, 8))
    p.append(L.place(table(
        "Labels", "The labels of the domain's target group in the agent's target files.",
        f"mtasts_domain_info{{{d}}}", [("domain", "domain")], "domain"), 16, 8))
    p.append(L.row("DANE and which policy senders apply"))
    p.append(L.place(table(
        "Which policy senders apply", "The policy DANE senders (Postfix, Exim with DANE on) and "
        "MTA-STS senders (Gmail, Outlook.com) apply to the domain.",
        f"mtasts_sender_policy{{{d}}}", [("sender", "senders"), ("policy", "policy")],
        "senders", desc=False), 6, 8))
    p.append(L.place(state_timeline(
        "Senders would deliver", "Whether each kind of sender would deliver to some MX host "
        "under the policy it applies; empty when unknown (MX hosts not probed, port 25 blocked).",
        f"mtasts_sender_delivers{{{d}}}", "{{sender}}",
        [{"type": "value", "options": {"1": {"text": "delivers", "color": "green"},
                                       "0": {"text": "DEFERS", "color": "red"}}}]), 10, 8))
    p.append(L.place(state_timeline(
        "TLSA matches per MX host", "Whether the certificate chain of every address of each MX "
        "host matches a usable TLSA record; empty where DANE does not apply.",
        f"mtasts_mx_tlsa_match{{{d}}}", "{{mx}}", VALID_MAPPING), 8, 8))
    p.append(L.place(table(
        "DNSSEC", "The DNSSEC status of the domain's MX records and of each MX host's address "
        "and TLSA records (secure, insecure, bogus).",
        f'label_replace(mtasts_dnssec_status{{{d}}}, "mx", "(MX records)", "", "") or '
        f"mtasts_mx_dnssec_status{{{d}}}",
        [("mx", "MX host"), ("status", "DNSSEC")], "MX host", desc=False), 12, 8))
    p.append(L.place(table(
        "Usable TLSA records", "TLSA records per MX host that DANE senders use (DNSSEC-secure, "
        "usage 2 or 3); fewer than 2 means the next key change breaks DANE delivery.",
        f"mtasts_mx_tlsa_usable_records{{{d}}}", [("mx", "MX host"), ("Value", "records")],
        "MX host", desc=False), 12, 8))
    p.append(L.row("What senders reported (TLS-RPT)"))
    p.append(L.place(timeseries(
        "Sessions senders reported, per day", "Sessions in the domain's TLS-RPT reports, by "
        "reporter and result.",
        [target(f"sum by (reporter, result) (increase(mtasts_tlsrpt_sessions_total{{{d}}}[1d]))",
                "{{reporter}} {{result}}")], bars=True), 8, 8))
    p.append(L.place(timeseries(
        "Failed sessions by type and MX, per day", "Failed sessions senders reported, by RFC "
        "8460 result type and receiving MX host (other: not one of the domain's).",
        [target(f"sum by (result_type, mx) (increase(mtasts_tlsrpt_failed_sessions_total{{{d}}}"
                "[1d]))", "{{result_type}} {{mx}}")], stack=True, bars=True), 8, 8))
    p.append(L.place(table(
        "Latest report per reporter", "The end of the period of the newest report from each "
        "reporter: reports that stop coming show here first.",
        f"time() - mtasts_tlsrpt_last_report_end_timestamp_seconds{{{d}}}",
        [("reporter", "reporter"), ("Value", "age")], "age", desc=False,
        unit_overrides={"age": "s"}), 8, 8))
    p.append(L.row("Certificates"))
    p.append(L.place(timeseries(
        "Certificate time left", "Time until each policy and MX certificate expires, as "
        "presented in each check; a jump up is a renewal.",
        [target(f"mtasts_cert_not_after_timestamp_seconds{{{d}}} - time()", "{{role}} {{host}}")],
        unit="s", thresholds=steps(("red", None), ("orange", 3 * 86400),
                                   ("green", 14 * 86400))), 16, 8))
    p.append(L.place(state_timeline(
        "Certificates verified", "Whether each certificate verified (trusted chain, name, "
        "dates) on every address of the host.",
        f"mtasts_cert_valid{{{d}}}", "{{role}} {{host}}", VALID_MAPPING), 8, 8))
    return dashboard("mtasts-domain", "MTA-STS domain",
                     "One domain as mta-sts-agent sees it: records, policy, each MX host and "
                     "address family, certificates and the history of findings.", p, True,
                     [{"title": "Fleet", "type": "link", "url": "/d/mtasts-fleet/mta-sts-fleet",
                       "includeVars": False, "keepTime": True, "targetBlank": False,
                       "icon": "dashboard", "tooltip": "", "tags": [], "asDropdown": False}])


if __name__ == "__main__":
    for name, board in (("mta-sts-fleet.json", fleet()), ("mta-sts-domain.json", domain())):
        (HERE / name).write_text(json.dumps(board, indent=2) + "\n")
