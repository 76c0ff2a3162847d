// libFuzzer target: the HTTP/1.1 response parser of the policy fetch, fed in pieces as
// the network delivers them. The first byte chooses the piece size.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "net/http_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);
  mtasts::net::HttpResponseParser parser(
      {.max_header_bytes = 2048, .max_headers = 20, .max_body_bytes = 4096});
  for (std::size_t i = 0; i < wire.size() && !parser.done(); i += piece) {
    parser.feed(wire.substr(i, piece));
  }
  parser.finish();
  MTASTS_FUZZ_CHECK(parser.done());
  MTASTS_FUZZ_CHECK(parser.response().body.size() <= 4096);
  MTASTS_FUZZ_CHECK(parser.response().headers.size() <= 20);
  return 0;
}
