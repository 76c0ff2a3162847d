// libFuzzer target: the SMTP reply reader, fed in pieces as the network delivers them (the
// first byte chooses the piece size); every reply taken respects the limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "net/smtp_reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);
  const mtasts::net::SmtpLimits limits{.max_line = 128, .max_lines = 8};
  mtasts::net::SmtpReplyReader reader(limits);
  for (std::size_t i = 0; i < wire.size(); i += piece) {
    if (!reader.feed(wire.substr(i, piece))) continue;
    if (reader.error() != mtasts::net::SmtpReplyError::none) break;  // the probe stops here
    while (auto reply = reader.take()) {
      MTASTS_FUZZ_CHECK(reply->code >= 200 && reply->code <= 559);  // RFC 5321 §4.2
      MTASTS_FUZZ_CHECK(!reply->lines.empty() && reply->lines.size() <= limits.max_lines);
      for (const auto& line : reply->lines) MTASTS_FUZZ_CHECK(line.size() <= limits.max_line);
      for (const auto& keyword : reply->ehlo_keywords()) {
        for (char c : keyword) MTASTS_FUZZ_CHECK(!(c >= 'a' && c <= 'z'));
      }
    }
  }
  return 0;
}
