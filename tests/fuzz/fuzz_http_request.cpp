// libFuzzer target: what the daemon's web server reads from any client: the request head
// (with its percent-decoded path) and a Basic Authorization header.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "fuzz_support.hpp"
#include "web/http_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = mtasts::web::parse_request_head(input);
  if (parsed) {
    const auto* request = &*parsed;
    // The decoded path never holds a NUL, and the headers are lower case.
    MTASTS_FUZZ_CHECK(request->path.find('\0') == std::string::npos);
    for (const auto& [name, value] : request->headers) {
      for (char c : name) MTASTS_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
    }
    (void)request->keep_alive();
    (void)request->accepts_gzip();
    (void)request->content_length();
    if (auto authorization = request->header("authorization")) {
      (void)mtasts::web::parse_basic_authorization(*authorization);
    }
  }
  if (auto decoded = mtasts::web::percent_decode(input)) {
    MTASTS_FUZZ_CHECK(decoded->size() <= input.size());
    // %00 is refused: a NUL in the result came in as it is.
    if (input.find('\0') == std::string_view::npos) {
      MTASTS_FUZZ_CHECK(decoded->find('\0') == std::string::npos);
    }
  }
  if (auto credentials = mtasts::web::parse_basic_authorization(input)) {
    MTASTS_FUZZ_CHECK(credentials->user.find(':') == std::string::npos);
    MTASTS_FUZZ_CHECK(credentials->password.find('\0') == std::string::npos);
  }
  return 0;
}
