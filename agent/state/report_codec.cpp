#include "state/report_codec.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

#include "dane/tlsa_record.hpp"
#include "mtasts/text.hpp"

namespace mtasts::state {
namespace {

using Json = nlohmann::json;

/// Enums are stored as numbers (compact); kReportFormat changes when one changes.
template <class Enum>
Json number(Enum value) {
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

Json endpoint(const asio::ip::tcp::endpoint& e) {
  return Json::array({e.address().to_string(), e.port()});
}

asio::ip::tcp::endpoint endpoint_at(const Json& j) {
  return {asio::ip::make_address(j.at(0).get<std::string>()), integer_at<std::uint16_t>(j.at(1))};
}

Json addresses(const std::vector<asio::ip::address>& list) {
  Json out = Json::array();
  for (const auto& a : list) out.push_back(a.to_string());
  return out;
}

std::vector<asio::ip::address> addresses_at(const Json& j) {
  std::vector<asio::ip::address> out;
  for (const auto& a : j) out.push_back(asio::ip::make_address(a.get<std::string>()));
  return out;
}

Json findings(const std::vector<Finding>& list) {
  Json out = Json::array();
  for (const auto& f : list) {
    out.push_back(Json::array({number(f.code), number(f.severity), f.subject, f.message}));
  }
  return out;
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

Json fields(const std::vector<TagValueField>& list) {
  Json out = Json::array();
  for (const auto& f : list) out.push_back(Json::array({f.name, f.value}));
  return out;
}

std::vector<TagValueField> fields_at(const Json& j) {
  std::vector<TagValueField> out;
  for (const auto& f : j) out.push_back({f.at(0).get<std::string>(), f.at(1).get<std::string>()});
  return out;
}

template <class T>
Json optional(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

template <class T>
std::optional<T> optional_at(const Json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<T>();
}

Json txt(const probe::TxtLookupFacts& t) {
  return {{"name", t.name},
          {"failure", number(t.failure)},
          {"error", t.error},
          {"records", t.records},
          {"cname_chain", t.cname_chain}};
}

probe::TxtLookupFacts txt_at(const Json& j) {
  return {j.at("name").get<std::string>(), enum_at(j.at("failure"), dns::DnsFailure::other),
          j.at("error").get<std::string>(), j.at("records").get<std::vector<std::string>>(),
          j.at("cname_chain").get<std::vector<std::string>>()};
}

Json lookup(const probe::AddressLookupFacts& l) {
  return {{"v4_asked", l.v4_asked},
          {"v6_asked", l.v6_asked},
          {"v4_failure", number(l.v4_failure)},
          {"v6_failure", number(l.v6_failure)},
          {"addresses", addresses(l.addresses)},
          {"refused", addresses(l.refused)}};
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

Json tls(const net::SharedTlsFacts& t) {
  if (!t) return nullptr;
  const auto& c = t->certificate;
  Json problems = Json::array();
  for (auto p : c.problems) problems.push_back(number(p));
  return {{"version", t->version},
          {"cipher", t->cipher},
          {"has_certificate", t->has_certificate},
          {"dns_names", c.dns_names},
          {"dns_names_total", c.dns_names_total},
          {"subject", c.subject},
          {"issuer", c.issuer},
          {"not_before", c.not_before},
          {"not_after", c.not_after},
          {"sha256", to_hex(c.sha256)},
          {"verified", c.verified},
          {"problems", problems},
          {"error", c.error}};
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

Json fetch(const net::PolicyFetch& f) {
  Json response = nullptr;
  if (f.response) {
    // The body is not kept: the parsed policy and its hash are (a body may be 64 KiB).
    response = {{"status", f.response->status},
                {"reason", f.response->reason},
                {"headers", f.response->headers}};
  }
  return {{"endpoint", endpoint(f.endpoint)},
          {"error", number(f.error)},
          {"stage", number(f.stage)},
          {"detail", f.detail},
          {"tls", tls(f.tls)},
          {"response", response},
          {"seconds", f.seconds}};
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

Json policy(const std::optional<Policy>& p) {
  if (!p) return nullptr;
  return {{"valid", p->valid},
          {"version", optional(p->version)},
          {"mode", p->mode ? number(*p->mode) : Json(nullptr)},
          {"max_age", optional(p->max_age)},
          {"mx", p->mx},
          {"extensions", fields(p->extensions)},
          {"findings", findings(p->findings)}};
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

Json tlsa_json(const dane::TlsaRecord& t) {
  return dane::to_presentation(t);
}

dane::TlsaRecord tlsa_at(const Json& j) {
  auto record = dane::parse_tlsa_presentation(j.get<std::string>());
  if (!record) throw std::invalid_argument("TLSA record: " + record.error());
  return std::move(*record);
}

Json tlsa_list(const std::vector<dane::TlsaRecord>& list) {
  Json out = Json::array();
  for (const auto& t : list) out.push_back(tlsa_json(t));
  return out;
}

std::vector<dane::TlsaRecord> tlsa_list_at(const Json& j) {
  std::vector<dane::TlsaRecord> out;
  for (const auto& t : j) out.push_back(tlsa_at(t));
  return out;
}

Json dane_outcome(const dane::DaneOutcome& o) {
  Json out = {
      {"matched", o.matched}, {"error", o.error}, {"error_text", o.error_text}, {"depth", o.depth}};
  if (o.matched_record) out["matched_record"] = tlsa_json(*o.matched_record);
  return out;
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

Json dane_host(const probe::DaneHostFacts& d, const std::string& host) {
  return {{"address_security", number(d.address_security)},
          {"canonical_host", d.canonical_host},
          {"tlsa_name", d.tlsa_name(host)},
          {"tlsa_security", number(d.tlsa_security)},
          {"error", d.error},
          {"why_bogus", d.why_bogus},
          {"tlsa", tlsa_list(d.tlsa)}};
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

Json probe_json(const net::SmtpProbe& p) {
  Json out = {{"endpoint", endpoint(p.endpoint)},
              {"error", number(p.error)},
              {"stage", number(p.stage)},
              {"detail", p.detail},
              {"last_code", p.last_code},
              {"banner", p.banner},
              {"starttls_offered", p.starttls_offered},
              {"tls", tls(p.tls)},
              {"seconds", p.seconds}};
  // DANE facts only where DANE was checked: reports saved before it decode as they were.
  if (p.dane) out["dane"] = dane_outcome(*p.dane);
  return out;
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

Json encode_report(const probe::DomainReport& r) {
  Json misplaced = Json::array();
  for (const auto& m : r.misplaced_lookups) misplaced.push_back(txt(m));
  Json fetches = Json::array();
  for (const auto& f : r.policy.fetches) fetches.push_back(fetch(f));
  Json mx = Json::array();
  for (const auto& host : r.mx) {
    Json probes = Json::array();
    for (const auto& p : host.probes) probes.push_back(probe_json(p));
    Json entry = {{"host", host.host},         {"preference", host.preference},
                  {"implicit", host.implicit}, {"lookup", lookup(host.lookup)},
                  {"probes", probes},          {"policy_match", optional(host.policy_match)}};
    if (host.dane) entry["dane"] = dane_host(*host.dane, host.host);
    mx.push_back(std::move(entry));
  }
  Json out = {
      {"format", kReportFormat},
      {"domain", r.domain},
      {"verdict", number(r.verdict)},
      {"findings", findings(r.findings)},
      {"sts", txt(r.sts)},
      {"misplaced_lookups", misplaced},
      {"tlsrpt", txt(r.tlsrpt)},
      {"mx_failure", number(r.mx_failure)},
      {"mx_error", r.mx_error},
      {"null_mx", r.null_mx},
      {"mx", mx},
      {"mx_probed", r.mx_probed},
      {"port25_egress", number(r.port25_egress)},
      {"policy",
       {{"host", r.policy.host},
        {"lookup", lookup(r.policy.lookup)},
        {"fetches", fetches},
        {"parsed", policy(r.policy.parsed)},
        {"body_sha256", r.policy.body_sha256}}},
      {"sts_status", probe::to_string(r.sts_status)},
      {"sts_record",
       {{"valid", r.sts_record.valid},
        {"id", optional(r.sts_record.id)},
        {"extensions", fields(r.sts_record.extensions)},
        {"findings", findings(r.sts_record.findings)}}},
      {"tlsrpt_status", probe::to_string(r.tlsrpt_status)},
      {"tlsrpt_record",
       {{"valid", r.tlsrpt_record.valid},
        {"rua", r.tlsrpt_record.rua},
        {"extensions", fields(r.tlsrpt_record.extensions)},
        {"findings", findings(r.tlsrpt_record.findings)}}},
      {"policy_status", probe::to_string(r.policy_status)},
      {"started_ns",
       std::chrono::duration_cast<std::chrono::nanoseconds>(r.started.time_since_epoch()).count()},
      {"seconds", r.seconds}};
  if (r.dnssec) {
    out["dnssec"] = {{"mx_security", number(r.dnssec->mx_security)},
                     {"error", r.dnssec->error},
                     {"why_bogus", r.dnssec->why_bogus}};
  }
  if (!r.dane_unavailable.empty()) out["dane_unavailable"] = r.dane_unavailable;
  return out;
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

Json encode_history(const probe::PolicyHistory& h) {
  return {{"id", h.id},
          {"body_sha256", h.body_sha256},
          {"first_seen", h.first_seen},
          {"last_change", h.last_change},
          {"unannounced_change_since", h.unannounced_change_since},
          {"needless_id_change_at", h.needless_id_change_at},
          {"mode", h.mode},
          {"mode_since", h.mode_since},
          {"max_age", h.max_age},
          {"gone_since", h.gone_since},
          {"previous_expiry", h.previous_expiry},
          {"reports_expected_since", h.reports_expected_since}};
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
