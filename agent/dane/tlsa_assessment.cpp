#include "dane/tlsa_assessment.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

namespace mtasts::dane {

std::string dane_ee_record(X509* cert) {
  if (cert == nullptr) return {};
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
  if (length <= 0) return {};
  TlsaRecord record{3, 1, 1, std::vector<unsigned char>(32)};
  unsigned int size = 0;
  const bool ok = EVP_Digest(der, static_cast<std::size_t>(length), record.data.data(), &size,
                             EVP_sha256(), nullptr) == 1;
  OPENSSL_free(der);
  return ok ? to_presentation(record) : std::string();
}

std::vector<Finding> rrset_findings(std::span<const TlsaRecord> records, std::string_view subject) {
  const std::size_t usable = count_usable(records);
  std::vector<Finding> out;
  if (usable == 0 && !records.empty()) {
    out.push_back(make_finding(
        FindingCode::dane_tlsa_unusable, std::string(subject),
        fmt::format("none of the {} TLSA records is usable for SMTP (RFC 7672 §3.1.3): {}",
                    records.size(), *unusable_reason(records.front()))));
  } else if (usable == 1) {
    out.push_back(make_finding(
        FindingCode::dane_tlsa_single, std::string(subject),
        "a single usable TLSA record: a certificate with a new key breaks delivery from DANE "
        "senders until the record changes; publish the next key's record beside it"));
  }
  return out;
}

TlsaAssessment assess_tlsa(std::span<const TlsaRecord> records, std::span<X509* const> chain,
                           std::span<const std::string> names, std::string_view subject) {
  TlsaAssessment out;
  for (const auto& record : records) {
    RecordAssessment a{.record = record, .unusable = unusable_reason(record)};
    if (!a.unusable) {
      const DaneOutcome alone = verify_chain(chain, std::span(&record, 1), names);
      a.matches = alone.matched;
      if (!alone.matched) a.mismatch = alone.error_text;
    }
    out.records.push_back(std::move(a));
  }
  out.outcome = verify_chain(chain, records, names);
  out.valid = out.outcome.matched;
  out.server_key_record = dane_ee_record(chain.empty() ? nullptr : chain.front());
  if (count_usable(records) > 0 && !out.valid) {
    out.findings.push_back(make_finding(
        FindingCode::dane_tlsa_mismatch, std::string(subject),
        fmt::format("no usable TLSA record matches the certificate presented ({}): senders that "
                    "do DANE defer mail; the record of the key presented is \"{}\"",
                    out.outcome.error_text, out.server_key_record)));
  }
  for (auto& finding : rrset_findings(records, subject)) out.findings.push_back(std::move(finding));
  return out;
}

}  // namespace mtasts::dane
