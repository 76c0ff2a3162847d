// libFuzzer target: a certificate as a server may send it (DER), described as the reports
// show it: names, issuer, dates, fingerprint. Hundreds of SANs, odd strings and broken
// extensions must give bounded, printable facts.
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "fuzz_support.hpp"
#include "net/certificate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const unsigned char* der = data;
  std::unique_ptr<X509, decltype(&X509_free)> cert(d2i_X509(nullptr, &der, static_cast<long>(size)),
                                                   &X509_free);
  if (!cert) return 0;
  const auto facts = mtasts::net::describe_certificate(cert.get());
  MTASTS_FUZZ_CHECK(facts.dns_names.size() <= mtasts::net::kMaxKeptDnsNames);
  MTASTS_FUZZ_CHECK(facts.dns_names.size() <= facts.dns_names_total);
  MTASTS_FUZZ_CHECK(facts.subject.size() <= 8192 && facts.issuer.size() <= 8192);
  return 0;
}
