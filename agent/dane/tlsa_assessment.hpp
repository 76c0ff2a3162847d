/// @file
/// @brief What an MX host's TLSA records mean for senders that do DANE, given the chain the
/// host presents: per record whether it is usable and whether it matches, and the findings.
/// Pure apart from OpenSSL's matching (dane_verify). `lint tlsa` judges a chain from a file
/// with it; a check's evaluate() shares the RRset's findings (the probe matched the chain).
#pragma once

#include <openssl/x509.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dane/dane_verify.hpp"
#include "dane/tlsa_record.hpp"
#include "mtasts/finding.hpp"

namespace mtasts::dane {

struct RecordAssessment {
  TlsaRecord record;
  std::optional<std::string> unusable;  ///< why senders ignore it; nullopt: usable
  bool matches = false;                 ///< alone, it authenticates the chain
  std::string mismatch = {};            ///< why not, for a usable record (OpenSSL's words)
};

struct TlsaAssessment {
  std::vector<RecordAssessment> records;
  DaneOutcome outcome;  ///< all usable records together, as a sender applies them
  /// Senders doing DANE would deliver: a usable record matches the chain.
  bool valid = false;
  /// "3 1 1 <SHA-256 of the server's public key>": the DANE-EE record that matches the
  /// certificate presented, for the operator to publish.
  std::string server_key_record;
  std::vector<Finding> findings;
};

/// The "3 1 1" record of `cert`'s public key; empty when it cannot be encoded.
std::string dane_ee_record(X509* cert);

/// What the TLSA RRset alone says, whatever the server presents: no usable record
/// (dane_tlsa_unusable), or a single one (dane_tlsa_single). `subject` names the records
/// ("_25._tcp.mx.example.net").
std::vector<Finding> rrset_findings(std::span<const TlsaRecord> records, std::string_view subject);

/// Judges `records` (the host's TLSA RRset) against `chain` (leaf first) for a host reached
/// by `names` (the MX host first): the RRset's findings, and dane_tlsa_mismatch when no
/// usable record matches.
TlsaAssessment assess_tlsa(std::span<const TlsaRecord> records, std::span<X509* const> chain,
                           std::span<const std::string> names, std::string_view subject);

}  // namespace mtasts::dane
