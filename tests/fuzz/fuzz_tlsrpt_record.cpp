// libFuzzer target: the TLS-RPT record parser, its rua URIs and selection (RFC 8460 §3).
// Each line of the input is one TXT record of the name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "mtasts/tlsrpt_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> records = mtasts::fuzz::split_lines(input);
  const mtasts::TlsRptRecord r =
      mtasts::evaluate_tlsrpt_records(records, "_smtp._tls.fuzz.example");
  if (r.valid) {
    bool usable = false;
    for (const auto& uri : r.rua) usable = usable || mtasts::validate_rua_uri(uri).has_value();
    MTASTS_FUZZ_CHECK(usable);
  } else {
    MTASTS_FUZZ_CHECK(!r.findings.empty());
  }
  mtasts::fuzz::check_messages_printable(r.findings);
  return 0;
}
