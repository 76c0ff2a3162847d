#include "state/report_codec.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

#include "dane/tlsa_record.hpp"
#include "mtasts/text.hpp"
#include "state/json_writer.hpp"

namespace mtasts::state {
namespace {

using Json = nlohmann::json;

/// Enums are stored as numbers (compact); kReportFormat changes when one changes.
template <class Enum>
int number(Enum value) {
  return static_cast<int>(value);
}

/// The integer stored at `j`, refusing a float, a string or a value out of T's range (a
/// damaged row): nlohmann's get<T>() would convert 1e50 to an int, which is undefined.
template <class T>
T integer_at(const Json& j) {
  if (j.is_number_unsigned()) {
    const auto n = j.get<std::uint64_t>();
    if (!std::in_range<T>(n)) throw std::out_of_range("integer out of range");
    return static_cast<T>(n);
  }
  if (j.is_number_integer()) {
    const auto n = j.get<std::int64_t>();
    if (!std::in_range<T>(n)) throw std::out_of_range("integer out of range");
    return static_cast<T>(n);
  }
  throw std::out_of_range("not an integer");
}

/// The integer at `key` of `j`, or `fallback` when there is none.
template <class T>
T integer_or(const Json& j, const char* key, T fallback) {
  const auto it = j.find(key);
  return it == j.end() ? fallback : integer_at<T>(*it);
}

/// The enum stored at `j`, refusing a number beyond its last value `last`.
template <class Enum>
Enum enum_at(const Json& j, Enum last) {
  const int n = integer_at<int>(j);
  if (n < 0 || n > static_cast<int>(last)) throw std::out_of_range("enum value out of range");
  return static_cast<Enum>(n);
}

void write_endpoint(JsonWriter& w, const asio::ip::tcp::endpoint& e) {
  w.begin_array().value(e.address().to_string()).value(e.port()).end_array();
}

asio::ip::tcp::endpoint endpoint_at(const Json& j) {
  return {asio::ip::make_address(j.at(0).get<std::string>()), integer_at<std::uint16_t>(j.at(1))};
}

void write_addresses(JsonWriter& w, const std::vector<asio::ip::address>& list) {
  w.begin_array();
  for (const auto& a : list) w.value(a.to_string());
  w.end_array();
}

void write_strings(JsonWriter& w, const std::vector<std::string>& list) {
  w.begin_array();
  for (const auto& text : list) w.value(text);
  w.end_array();
}

std::vector<asio::ip::address> addresses_at(const Json& j) {
  std::vector<asio::ip::address> out;
  for (const auto& a : j) out.push_back(asio::ip::make_address(a.get<std::string>()));
  return out;
}

void write_findings(JsonWriter& w, const std::vector<Finding>& list) {
  w.begin_array();
  for (const auto& f : list) {
    w.begin_array().value(number(f.code)).value(number(f.severity)).value(f.subject);
    w.value(f.message).end_array();
  }
  w.end_array();
}

std::vector<Finding> findings_at(const Json& j) {
  std::vector<Finding> out;
  for (const auto& f : j) {
    out.push_back(Finding{enum_at(f.at(0), static_cast<FindingCode>(kFindingCodeCount - 1)),
                          enum_at(f.at(1), Severity::error), f.at(2).get<std::string>(),
                          f.at(3).get<std::string>()});
  }
  return out;
}

void write_fields(JsonWriter& w, const std::vector<TagValueField>& list) {
  w.begin_array();
  for (const auto& f : list) w.begin_array().value(f.name).value(f.value).end_array();
  w.end_array();
}

std::vector<TagValueField> fields_at(const Json& j) {
  std::vector<TagValueField> out;
  for (const auto& f : j) out.push_back({f.at(0).get<std::string>(), f.at(1).get<std::string>()});
  return out;
}

template <class T>
void write_optional(JsonWriter& w, const std::optional<T>& value) {
  if (value) {
    w.value(*value);
  } else {
    w.null();
  }
}

template <class T>
std::optional<T> optional_at(const Json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<T>();
}

void write_txt(JsonWriter& w, const probe::TxtLookupFacts& t) {
  w.begin_object().member("name", t.name).member("failure", number(t.failure));
  w.member("error", t.error);
  write_strings(w.key("records"), t.records);
  write_strings(w.key("cname_chain"), t.cname_chain);
  w.end_object();
}

probe::TxtLookupFacts txt_at(const Json& j) {
  return {j.at("name").get<std::string>(), enum_at(j.at("failure"), dns::DnsFailure::other),
          j.at("error").get<std::string>(), j.at("records").get<std::vector<std::string>>(),
          j.at("cname_chain").get<std::vector<std::string>>()};
}

void write_lookup(JsonWriter& w, const probe::AddressLookupFacts& l) {
  w.begin_object().member("v4_asked", l.v4_asked).member("v6_asked", l.v6_asked);
  w.member("v4_failure", number(l.v4_failure)).member("v6_failure", number(l.v6_failure));
  write_addresses(w.key("addresses"), l.addresses);
  write_addresses(w.key("refused"), l.refused);
  w.end_object();
}

probe::AddressLookupFacts lookup_at(const Json& j) {
  probe::AddressLookupFacts l;
  l.v4_asked = j.at("v4_asked").get<bool>();
  l.v6_asked = j.at("v6_asked").get<bool>();
  l.v4_failure = enum_at(j.at("v4_failure"), dns::DnsFailure::other);
  l.v6_failure = enum_at(j.at("v6_failure"), dns::DnsFailure::other);
  l.addresses = addresses_at(j.at("addresses"));
  l.refused = addresses_at(j.at("refused"));
  return l;
}

/// A status stored by its name; a name this agent does not know is a damaged row.
template <class Status>
Status status_at(const Json& j, std::optional<Status> (*from_name)(std::string_view) noexcept) {
  const auto status = from_name(j.get_ref<const std::string&>());
  if (!status) throw std::out_of_range("unknown status");
  return *status;
}

/// A certificate's SHA-256: stored as hex; earlier agents stored an array of 32 numbers.
std::array<unsigned char, 32> sha256_at(const Json& j) {
  std::array<unsigned char, 32> out{};
  if (j.is_array()) {
    if (j.size() != out.size()) throw std::out_of_range("sha256 is not 32 bytes");
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = integer_at<unsigned char>(j[i]);
    return out;
  }
  const auto& hex = j.get_ref<const std::string&>();
  if (hex.size() != out.size() * 2) throw std::out_of_range("sha256 is not 32 bytes");
  for (std::size_t i = 0; i < out.size(); ++i) {
    unsigned value = 0;
    const auto* first = hex.data() + 2 * i;
    const auto [end, ec] = std::from_chars(first, first + 2, value, 16);
    if (ec != std::errc() || end != first + 2) throw std::out_of_range("sha256 is not hex");
    out[i] = static_cast<unsigned char>(value);
  }
  return out;
}

void write_tls(JsonWriter& w, const net::SharedTlsFacts& t) {
  if (!t) {
    w.null();
    return;
  }
  const auto& c = t->certificate;
  w.begin_object().member("version", t->version).member("cipher", t->cipher);
  w.member("has_certificate", t->has_certificate);
  write_strings(w.key("dns_names"), c.dns_names);
  w.member("dns_names_total", c.dns_names_total).member("subject", c.subject);
  w.member("issuer", c.issuer).member("not_before", c.not_before);
  w.member("not_after", c.not_after).member("sha256", to_hex(c.sha256));
  w.member("verified", c.verified);
  w.key("problems").begin_array();
  for (auto p : c.problems) w.value(number(p));
  w.end_array().member("error", c.error).end_object();
}

net::SharedTlsFacts tls_at(const Json& j) {
  if (j.is_null()) return nullptr;
  net::TlsFacts t;
  t.version = j.at("version").get<std::string>();
  t.cipher = j.at("cipher").get<std::string>();
  t.has_certificate = j.at("has_certificate").get<bool>();
  auto& c = t.certificate;
  c.dns_names = j.at("dns_names").get<std::vector<std::string>>();
  c.dns_names_total = integer_at<std::size_t>(j.at("dns_names_total"));
  c.subject = j.at("subject").get<std::string>();
  c.issuer = j.at("issuer").get<std::string>();
  c.not_before = integer_at<std::time_t>(j.at("not_before"));
  c.not_after = integer_at<std::time_t>(j.at("not_after"));
  c.sha256 = sha256_at(j.at("sha256"));
  c.verified = j.at("verified").get<bool>();
  for (const auto& p : j.at("problems"))
    c.problems.push_back(enum_at(p, net::CertProblem::weak_signature));
  c.error = j.at("error").get<std::string>();
  return std::make_shared<const net::TlsFacts>(std::move(t));
}

void write_fetch(JsonWriter& w, const net::PolicyFetch& f) {
  w.begin_object();
  write_endpoint(w.key("endpoint"), f.endpoint);
  w.member("error", number(f.error)).member("stage", number(f.stage));
  w.member("detail", f.detail);
  write_tls(w.key("tls"), f.tls);
  w.key("response");
  if (f.response) {
    // The body is not kept: the parsed policy and its hash are (a body may be 64 KiB).
    w.begin_object().member("status", f.response->status);
    w.member("reason", f.response->reason).key("headers").begin_array();
    for (const auto& [name, value] : f.response->headers) {
      w.begin_array().value(name).value(value).end_array();
    }
    w.end_array().end_object();
  } else {
    w.null();
  }
  w.member("seconds", f.seconds).end_object();
}

net::PolicyFetch fetch_at(const Json& j) {
  net::PolicyFetch f;
  f.endpoint = endpoint_at(j.at("endpoint"));
  f.error = enum_at(j.at("error"), net::FetchError::local_resources);
  f.stage = enum_at(j.at("stage"), net::FetchStage::done);
  f.detail = j.at("detail").get<std::string>();
  f.tls = tls_at(j.at("tls"));
  if (const auto& r = j.at("response"); !r.is_null()) {
    net::HttpResponse response;
    response.status = integer_at<int>(r.at("status"));
    response.reason = r.at("reason").get<std::string>();
    response.headers = r.at("headers").get<std::vector<std::pair<std::string, std::string>>>();
    f.response = std::move(response);
  }
  f.seconds = j.at("seconds").get<double>();
  return f;
}

void write_policy(JsonWriter& w, const std::optional<Policy>& p) {
  if (!p) {
    w.null();
    return;
  }
  w.begin_object().member("valid", p->valid);
  write_optional(w.key("version"), p->version);
  w.key("mode");
  if (p->mode) {
    w.value(number(*p->mode));
  } else {
    w.null();
  }
  write_optional(w.key("max_age"), p->max_age);
  write_strings(w.key("mx"), p->mx);
  write_fields(w.key("extensions"), p->extensions);
  write_findings(w.key("findings"), p->findings);
  w.end_object();
}

std::optional<Policy> policy_at(const Json& j) {
  if (j.is_null()) return std::nullopt;
  Policy p;
  p.valid = j.at("valid").get<bool>();
  p.version = optional_at<std::string>(j.at("version"));
  if (!j.at("mode").is_null()) p.mode = enum_at(j.at("mode"), Mode::none);
  p.max_age = j.at("max_age").is_null()
                  ? std::nullopt
                  : std::optional<std::uint64_t>(integer_at<std::uint64_t>(j.at("max_age")));
  p.mx = j.at("mx").get<std::vector<std::string>>();
  p.extensions = fields_at(j.at("extensions"));
  p.findings = findings_at(j.at("findings"));
  return p;
}

dane::TlsaRecord tlsa_at(const Json& j) {
  auto record = dane::parse_tlsa_presentation(j.get<std::string>());
  if (!record) throw std::invalid_argument("TLSA record: " + record.error());
  return std::move(*record);
}

void write_tlsa_list(JsonWriter& w, const std::vector<dane::TlsaRecord>& list) {
  w.begin_array();
  for (const auto& t : list) w.value(dane::to_presentation(t));
  w.end_array();
}

std::vector<dane::TlsaRecord> tlsa_list_at(const Json& j) {
  std::vector<dane::TlsaRecord> out;
  for (const auto& t : j) out.push_back(tlsa_at(t));
  return out;
}

void write_dane_outcome(JsonWriter& w, const dane::DaneOutcome& o) {
  w.begin_object().member("matched", o.matched).member("error", o.error);
  w.member("error_text", o.error_text).member("depth", o.depth);
  if (o.matched_record) w.member("matched_record", dane::to_presentation(*o.matched_record));
  w.end_object();
}

dane::DaneOutcome dane_outcome_at(const Json& j) {
  dane::DaneOutcome o;
  o.matched = j.at("matched").get<bool>();
  o.error = integer_at<long>(j.at("error"));
  o.error_text = j.at("error_text").get<std::string>();
  o.depth = integer_at<int>(j.at("depth"));
  if (j.contains("matched_record")) o.matched_record = tlsa_at(j.at("matched_record"));
  return o;
}

void write_dane_host(JsonWriter& w, const probe::DaneHostFacts& d, const std::string& host) {
  w.begin_object().member("address_security", number(d.address_security));
  w.member("canonical_host", d.canonical_host).member("tlsa_name", d.tlsa_name(host));
  w.member("tlsa_security", number(d.tlsa_security)).member("error", d.error);
  w.member("why_bogus", d.why_bogus);
  write_tlsa_list(w.key("tlsa"), d.tlsa);
  w.end_object();
}

probe::DaneHostFacts dane_host_at(const Json& j, const std::string& host) {
  probe::DaneHostFacts d;
  d.address_security = enum_at(j.at("address_security"), dane::Security::bogus);
  // Rows of agents before canonical_host was stored name only where the TLSA records were.
  const auto tlsa_name = j.at("tlsa_name").get<std::string>();
  constexpr std::string_view kPrefix = "_25._tcp.";
  if (j.contains("canonical_host")) d.canonical_host = j.at("canonical_host").get<std::string>();
  if (d.canonical_host.empty() && tlsa_name.starts_with(kPrefix) &&
      tlsa_name.substr(kPrefix.size()) != host) {
    d.canonical_host = tlsa_name.substr(kPrefix.size());
  }
  d.tlsa_at_canonical =
      !d.canonical_host.empty() && tlsa_name == std::string(kPrefix) + d.canonical_host;
  d.tlsa_security = enum_at(j.at("tlsa_security"), dane::Security::bogus);
  d.error = j.at("error").get<std::string>();
  d.why_bogus = j.at("why_bogus").get<std::string>();
  d.tlsa = tlsa_list_at(j.at("tlsa"));
  return d;
}

void write_probe(JsonWriter& w, const net::SmtpProbe& p) {
  w.begin_object();
  write_endpoint(w.key("endpoint"), p.endpoint);
  w.member("error", number(p.error)).member("stage", number(p.stage));
  w.member("detail", p.detail).member("last_code", p.last_code).member("banner", p.banner);
  w.member("starttls_offered", p.starttls_offered);
  write_tls(w.key("tls"), p.tls);
  w.member("seconds", p.seconds);
  // DANE facts only where DANE was checked: reports saved before it decode as they were.
  if (p.dane) write_dane_outcome(w.key("dane"), *p.dane);
  w.end_object();
}

net::SmtpProbe probe_at(const Json& j) {
  net::SmtpProbe p;
  p.endpoint = endpoint_at(j.at("endpoint"));
  p.error = enum_at(j.at("error"), net::SmtpError::local_resources);
  p.stage = enum_at(j.at("stage"), net::SmtpStage::done);
  p.detail = j.at("detail").get<std::string>();
  p.last_code = integer_at<int>(j.at("last_code"));
  p.banner = j.at("banner").get<std::string>();
  p.starttls_offered = j.at("starttls_offered").get<bool>();
  p.tls = tls_at(j.at("tls"));
  p.seconds = j.at("seconds").get<double>();
  if (j.contains("dane")) p.dane = dane_outcome_at(j.at("dane"));
  return p;
}

}  // namespace

std::string report_text(const probe::DomainReport& r) {
  std::string out;
  out.reserve(4096);
  JsonWriter w(out);
  w.begin_object().member("format", kReportFormat).member("domain", r.domain);
  w.member("verdict", number(r.verdict));
  write_findings(w.key("findings"), r.findings);
  write_txt(w.key("sts"), r.sts);
  w.key("misplaced_lookups").begin_array();
  for (const auto& m : r.misplaced_lookups) write_txt(w, m);
  w.end_array();
  write_txt(w.key("tlsrpt"), r.tlsrpt);
  w.member("mx_failure", number(r.mx_failure)).member("mx_error", r.mx_error);
  w.member("null_mx", r.null_mx).key("mx").begin_array();
  for (const auto& host : r.mx) {
    w.begin_object().member("host", host.host).member("preference", host.preference);
    w.member("implicit", host.implicit);
    write_lookup(w.key("lookup"), host.lookup);
    w.key("probes").begin_array();
    for (const auto& p : host.probes) write_probe(w, p);
    w.end_array();
    write_optional(w.key("policy_match"), host.policy_match);
    if (host.dane) write_dane_host(w.key("dane"), *host.dane, host.host);
    w.end_object();
  }
  w.end_array().member("mx_probed", r.mx_probed);
  w.member("port25_egress", number(r.port25_egress));
  w.key("policy").begin_object().member("host", r.policy.host);
  write_lookup(w.key("lookup"), r.policy.lookup);
  w.key("fetches").begin_array();
  for (const auto& f : r.policy.fetches) write_fetch(w, f);
  w.end_array();
  write_policy(w.key("parsed"), r.policy.parsed);
  w.member("body_sha256", r.policy.body_sha256).end_object();
  w.member("sts_status", probe::to_string(r.sts_status));
  w.key("sts_record").begin_object().member("valid", r.sts_record.valid);
  write_optional(w.key("id"), r.sts_record.id);
  write_fields(w.key("extensions"), r.sts_record.extensions);
  write_findings(w.key("findings"), r.sts_record.findings);
  w.end_object().member("tlsrpt_status", probe::to_string(r.tlsrpt_status));
  w.key("tlsrpt_record").begin_object().member("valid", r.tlsrpt_record.valid);
  write_strings(w.key("rua"), r.tlsrpt_record.rua);
  write_fields(w.key("extensions"), r.tlsrpt_record.extensions);
  write_findings(w.key("findings"), r.tlsrpt_record.findings);
  w.end_object().member("policy_status", probe::to_string(r.policy_status));
  w.member(
      "started_ns",
      std::chrono::duration_cast<std::chrono::nanoseconds>(r.started.time_since_epoch()).count());
  w.member("seconds", r.seconds);
  if (r.dnssec) {
    w.key("dnssec").begin_object().member("mx_security", number(r.dnssec->mx_security));
    w.member("error", r.dnssec->error).member("why_bogus", r.dnssec->why_bogus).end_object();
  }
  if (!r.dane_unavailable.empty()) w.member("dane_unavailable", r.dane_unavailable);
  w.end_object();
  return out;
}

Json encode_report(const probe::DomainReport& r) {
  return Json::parse(report_text(r));
}

Result<probe::DomainReport> decode_report(const Json& j) {
  try {
    const auto format = j.is_object() ? j.find("format") : j.end();
    if (!j.is_object() || format == j.end() || *format != kReportFormat) {
      return failure(fmt::format("the report format is not {}", kReportFormat));
    }
    probe::DomainReport r;
    r.domain = j.at("domain").get<std::string>();
    r.verdict = enum_at(j.at("verdict"), probe::Verdict::unknown);
    r.findings = findings_at(j.at("findings"));
    r.sts = txt_at(j.at("sts"));
    for (const auto& m : j.at("misplaced_lookups")) r.misplaced_lookups.push_back(txt_at(m));
    r.tlsrpt = txt_at(j.at("tlsrpt"));
    r.mx_failure = enum_at(j.at("mx_failure"), dns::DnsFailure::other);
    r.mx_error = j.at("mx_error").get<std::string>();
    r.null_mx = j.at("null_mx").get<bool>();
    for (const auto& h : j.at("mx")) {
      probe::MxHostFacts host;
      host.host = h.at("host").get<std::string>();
      host.preference = integer_at<std::uint16_t>(h.at("preference"));
      host.implicit = h.at("implicit").get<bool>();
      host.lookup = lookup_at(h.at("lookup"));
      for (const auto& p : h.at("probes")) host.probes.push_back(probe_at(p));
      host.policy_match = optional_at<std::string>(h.at("policy_match"));
      if (h.contains("dane")) host.dane = probe::share(dane_host_at(h.at("dane"), host.host));
      r.mx.push_back(std::move(host));
    }
    r.mx_probed = j.at("mx_probed").get<bool>();
    r.port25_egress = enum_at(j.at("port25_egress"), probe::Port25Egress::blocked);
    const auto& p = j.at("policy");
    r.policy.host = p.at("host").get<std::string>();
    r.policy.lookup = lookup_at(p.at("lookup"));
    for (const auto& f : p.at("fetches")) r.policy.fetches.push_back(fetch_at(f));
    r.policy.parsed = policy_at(p.at("parsed"));
    r.policy.body_sha256 = p.at("body_sha256").get<std::string>();
    r.sts_status = status_at(j.at("sts_status"), &probe::record_status_from_name);
    const auto& sts = j.at("sts_record");
    r.sts_record.valid = sts.at("valid").get<bool>();
    r.sts_record.id = optional_at<std::string>(sts.at("id"));
    r.sts_record.extensions = fields_at(sts.at("extensions"));
    r.sts_record.findings = findings_at(sts.at("findings"));
    r.tlsrpt_status = status_at(j.at("tlsrpt_status"), &probe::record_status_from_name);
    const auto& tlsrpt = j.at("tlsrpt_record");
    r.tlsrpt_record.valid = tlsrpt.at("valid").get<bool>();
    r.tlsrpt_record.rua = tlsrpt.at("rua").get<std::vector<std::string>>();
    r.tlsrpt_record.extensions = fields_at(tlsrpt.at("extensions"));
    r.tlsrpt_record.findings = findings_at(tlsrpt.at("findings"));
    r.policy_status = status_at(j.at("policy_status"), &probe::policy_status_from_name);
    r.started = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(integer_at<std::int64_t>(j.at("started_ns")))));
    r.seconds = j.at("seconds").get<double>();
    if (j.contains("dnssec")) {
      const auto& d = j.at("dnssec");
      r.dnssec = probe::share(
          probe::DnssecFacts{.mx_security = enum_at(d.at("mx_security"), dane::Security::bogus),
                             .error = d.at("error").get<std::string>(),
                             .why_bogus = d.at("why_bogus").get<std::string>()});
    }
    if (j.contains("dane_unavailable")) {
      r.dane_unavailable = j.at("dane_unavailable").get<std::string>();
    }
    return r;
  } catch (const std::exception& e) {  // nlohmann's type and range errors, bad addresses
    return failure(fmt::format("damaged report: {}", e.what()));
  }
}

std::string history_text(const probe::PolicyHistory& h) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().member("id", h.id).member("body_sha256", h.body_sha256);
  w.member("first_seen", h.first_seen).member("last_change", h.last_change);
  w.member("unannounced_change_since", h.unannounced_change_since);
  w.member("needless_id_change_at", h.needless_id_change_at).member("mode", h.mode);
  w.member("mode_since", h.mode_since).member("max_age", h.max_age);
  w.member("gone_since", h.gone_since).member("previous_expiry", h.previous_expiry);
  w.member("reports_expected_since", h.reports_expected_since).end_object();
  return out;
}

Json encode_history(const probe::PolicyHistory& h) {
  return Json::parse(history_text(h));
}

Result<probe::PolicyHistory> decode_history(const Json& j) {
  try {
    probe::PolicyHistory h;
    h.id = j.at("id").get<std::string>();
    h.body_sha256 = j.at("body_sha256").get<std::string>();
    h.first_seen = integer_at<std::int64_t>(j.at("first_seen"));
    h.last_change = integer_at<std::int64_t>(j.at("last_change"));
    h.unannounced_change_since = integer_or(j, "unannounced_change_since", std::int64_t{0});
    h.needless_id_change_at = integer_or(j, "needless_id_change_at", std::int64_t{0});
    h.mode = j.value("mode", std::string());
    h.mode_since = integer_or(j, "mode_since", std::int64_t{0});
    h.max_age = integer_or(j, "max_age", std::int64_t{0});
    h.gone_since = integer_or(j, "gone_since", std::int64_t{0});
    h.previous_expiry = integer_or(j, "previous_expiry", std::int64_t{0});
    h.reports_expected_since = integer_or(j, "reports_expected_since", std::int64_t{0});
    return h;
  } catch (const std::exception& e) {
    return failure(fmt::format("damaged history: {}", e.what()));
  }
}

}  // namespace mtasts::state
