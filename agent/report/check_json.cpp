#include "report/check_json.hpp"

#include "common/time.hpp"
#include "mtasts/idna.hpp"
#include "mtasts/text.hpp"
#include "probe/sender_outlook.hpp"

namespace mtasts::report {
namespace {

Json nullable(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json certificate_json(const net::CertificateFacts& cert) {
  Json problems = Json::array();
  for (auto p : cert.problems) problems.push_back(net::to_string(p));
  return Json{{"valid", cert.verified},
              {"error", cert.error.empty() ? Json(nullptr) : Json(cert.error)},
              {"problems", problems},
              {"subject_alt_names", cert.dns_names},
              {"subject_alt_names_total", cert.dns_names_total},
              {"subject", cert.subject},
              {"issuer", cert.issuer},
              {"not_before", cert.not_before > 0 ? Json(rfc3339(cert.not_before)) : Json(nullptr)},
              {"not_after", cert.not_after > 0 ? Json(rfc3339(cert.not_after)) : Json(nullptr)},
              {"sha256", to_hex(std::span<const unsigned char>(cert.sha256))}};
}

Json txt_json(const probe::TxtLookupFacts& facts, probe::RecordStatus status) {
  return Json{
      {"name", facts.name},
      {"status", probe::to_string(status)},
      {"dns_error",
       dns::is_definitive(facts.failure) ? Json(nullptr) : Json(dns::to_string(facts.failure))},
      {"records", facts.records},
      {"cname_chain", facts.cname_chain}};
}

std::string_view family_of(const asio::ip::address& address) {
  return address.is_v6() ? "ipv6" : "ipv4";
}

/// Addresses deny_private_addresses kept the agent from.
Json refused_json(const probe::AddressLookupFacts& lookup) {
  Json out = Json::array();
  for (const auto& a : lookup.refused) out.push_back(a.to_string());
  return out;
}

}  // namespace

Json to_json(const probe::DomainReport& r) {
  Json out{{"domain", r.domain}, {"verdict", probe::to_string(r.verdict)}};
  // An internationalized name: the Unicode form too, for people (checks use the A-label).
  if (auto unicode = unicode_form(r.domain); unicode != r.domain) out["domain_unicode"] = unicode;
  out["findings"] = to_json(std::span<const Finding>(r.findings));

  Json sts = txt_json(r.sts, r.sts_status);
  sts["id"] = nullable(r.sts_record.id);
  out["sts_record"] = std::move(sts);
  Json tlsrpt = txt_json(r.tlsrpt, r.tlsrpt_status);
  tlsrpt["rua"] = r.tlsrpt_record.rua;
  out["tlsrpt_record"] = std::move(tlsrpt);

  const auto& p = r.policy;
  Json policy{{"host", p.host}, {"status", probe::to_string(r.policy_status)}};
  const net::PolicyFetch* first_response = nullptr;
  const net::TlsFacts* first_tls = nullptr;
  Json addresses = Json::array();
  for (const auto& f : p.fetches) {
    if (f.response && first_response == nullptr) first_response = &f;
    if (f.tls && first_tls == nullptr) first_tls = &*f.tls;
    Json a{
        {"ip", f.endpoint.address().to_string()},
        {"family", family_of(f.endpoint.address())},
        {"error", f.error == net::FetchError::none ? Json(nullptr) : Json(net::to_string(f.error))},
        {"stage", net::to_string(f.stage)},
        {"detail", f.detail.empty() ? Json(nullptr) : Json(f.detail)},
        {"http_status", f.response ? Json(f.response->status) : Json(nullptr)},
        {"tls_version", f.tls && !f.tls->version.empty() ? Json(f.tls->version) : Json(nullptr)},
        {"seconds", f.seconds}};
    if (f.response) {
      const auto location = f.response->header("location");
      if (location) a["location"] = std::string(*location);
    }
    addresses.push_back(std::move(a));
  }
  policy["http_status"] = first_response ? Json(first_response->response->status) : Json(nullptr);
  const auto content_type =
      first_response ? first_response->response->header("content-type") : std::nullopt;
  policy["content_type"] = content_type ? Json(std::string(*content_type)) : Json(nullptr);
  policy["version"] = p.parsed ? nullable(p.parsed->version) : Json(nullptr);
  policy["mode"] = p.parsed && p.parsed->mode ? Json(to_string(*p.parsed->mode)) : Json(nullptr);
  policy["max_age"] = p.parsed && p.parsed->max_age ? Json(*p.parsed->max_age) : Json(nullptr);
  policy["mx"] = p.parsed ? Json(p.parsed->mx) : Json::array();
  policy["sha256"] = p.body_sha256.empty() ? Json(nullptr) : Json(p.body_sha256);
  policy["certificate"] = first_tls ? certificate_json(first_tls->certificate) : Json(nullptr);
  policy["addresses"] = std::move(addresses);
  policy["refused_addresses"] = refused_json(p.lookup);
  out["policy"] = std::move(policy);

  Json mx = Json::array();
  for (const auto& host : r.mx) {
    Json addresses_json = Json::array();
    for (const auto& probe : host.probes) {
      const auto& e = probe.endpoint;
      addresses_json.push_back(Json{
          {"ip", e.address().to_string()},
          {"family", family_of(e.address())},
          {"starttls", probe.stage >= net::SmtpStage::ehlo && probe.error != net::SmtpError::timeout
                           ? Json(probe.starttls_offered)
                           : Json(nullptr)},
          {"tls_version",
           probe.tls && !probe.tls->version.empty() ? Json(probe.tls->version) : Json(nullptr)},
          {"cipher",
           probe.tls && !probe.tls->cipher.empty() ? Json(probe.tls->cipher) : Json(nullptr)},
          {"certificate", probe.tls && probe.tls->has_certificate
                              ? certificate_json(probe.tls->certificate)
                              : Json(nullptr)},
          {"error",
           probe.error == net::SmtpError::none ? Json(nullptr) : Json(net::to_string(probe.error))},
          {"stage", net::to_string(probe.stage)},
          {"detail", probe.detail.empty() ? Json(nullptr) : Json(probe.detail)},
          {"banner", probe.banner},
          {"seconds", probe.seconds}});
      // The DANE verdict of the same handshake, only where DANE applies to the host.
      if (probe.dane) {
        addresses_json.back()["dane"] =
            Json{{"matched", probe.dane->matched},
                 {"error", probe.dane->matched ? Json(nullptr) : Json(probe.dane->error_text)},
                 {"matched_record", probe.dane->matched_record
                                        ? Json(dane::to_presentation(*probe.dane->matched_record))
                                        : Json(nullptr)}};
      }
    }
    Json host_json{{"host", host.host},
                   {"preference", host.preference},
                   {"implicit", host.implicit},
                   {"policy_match", nullable(host.policy_match)},
                   {"addresses", std::move(addresses_json)},
                   {"refused_addresses", refused_json(host.lookup)}};
    if (host.dane) {
      const auto& d = *host.dane;
      Json records = Json::array();
      for (const auto& t : d.tlsa) {
        records.push_back({{"record", dane::to_presentation(t)},
                           {"usable", !dane::unusable_reason(t).has_value()}});
      }
      host_json["dane"] = Json{
          {"applies", probe::dane_applies(r, host)},
          {"canonical_host", d.canonical_host.empty() ? Json(nullptr) : Json(d.canonical_host)},
          {"address_dnssec", dane::to_string(d.address_security)},
          {"tlsa_name", d.tlsa_name(host.host)},
          {"tlsa_dnssec", dane::to_string(d.tlsa_security)},
          {"tlsa", std::move(records)},
          {"error", d.error.empty() ? Json(nullptr) : Json(d.error)},
          {"why_bogus", d.why_bogus.empty() ? Json(nullptr) : Json(d.why_bogus)}};
    }
    mx.push_back(std::move(host_json));
  }
  out["mx"] = std::move(mx);
  // DNSSEC as DANE senders see the domain; absent when DANE was not checked.
  if (!r.dane_unavailable.empty()) out["dane_unavailable"] = r.dane_unavailable;
  if (r.dnssec) {
    out["dnssec"] = Json{
        {"mx", dane::to_string(r.dnssec->mx_security)},
        {"error", r.dnssec->error.empty() ? Json(nullptr) : Json(r.dnssec->error)},
        {"why_bogus", r.dnssec->why_bogus.empty() ? Json(nullptr) : Json(r.dnssec->why_bogus)}};
  }
  // Which policy each kind of sender applies, and whether it would deliver.
  if (const auto outlook = probe::sender_outlook(r)) {
    const auto view = [](const probe::SenderView& v) {
      return Json{{"policy", v.policy ? Json(probe::to_string(*v.policy)) : Json(nullptr)},
                  {"delivers", probe::to_string(v.delivers)},
                  {"why", v.why}};
    };
    out["senders"] = Json{{"mta_sts", view(outlook->mta_sts)}};
    if (outlook->dane) out["senders"]["dane"] = view(*outlook->dane);
  }
  out["null_mx"] = r.null_mx;
  out["mx_probed"] = r.mx_probed;
  out["timing"] = Json{{"started", rfc3339(std::chrono::system_clock::to_time_t(r.started))},
                       {"seconds", r.seconds}};
  return out;
}

}  // namespace mtasts::report
