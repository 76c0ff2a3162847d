// libFuzzer target: TLSA records as DNS answers carry them (RDATA) and as people type them
// (`lint tlsa`), then judged against a chain with OpenSSL's DANE support. Any bytes must give
// a record that prints and parses back to itself, or a clear error; never a crash.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "../support/test_certs.hpp"
#include "dane/dane_verify.hpp"
#include "dane/tlsa_record.hpp"
#include "fuzz_support.hpp"

namespace {

const mtasts::support::KeyedCert& leaf() {
  static const auto cert = mtasts::support::make_cert({.cn = "mx", .dns_names = {"mx.example"}});
  return cert;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtasts::dane;
  if (size == 0) return 0;
  const std::span<const unsigned char> rest(data + 1, size - 1);
  auto record = (data[0] & 1) != 0 ? parse_tlsa_rdata(rest)
                                   : parse_tlsa_presentation(std::string_view(
                                         reinterpret_cast<const char*>(rest.data()), rest.size()));
  if (!record) {
    MTASTS_FUZZ_CHECK(!record.error().empty());
    return 0;
  }
  MTASTS_FUZZ_CHECK(record->data.size() <= kMaxTlsaDataBytes);
  const std::string text = to_presentation(*record);
  const auto again = parse_tlsa_presentation(text);
  // A record without data prints as "u s m " and is refused as input; all others round-trip.
  MTASTS_FUZZ_CHECK(record->data.empty() ? !again : (again && *again == *record));
  (void)unusable_reason(*record);
  X509* chain[] = {leaf().cert.get()};
  const std::string names[] = {"mx.example"};
  const auto outcome = verify_chain(chain, std::span(&*record, 1), names);
  MTASTS_FUZZ_CHECK(outcome.matched || !outcome.error_text.empty());
  return 0;
}
