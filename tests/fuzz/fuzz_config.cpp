// libFuzzer target: the configuration and web configuration loaders. An operator's typo or
// a generated file gone wrong gets an error naming the file and line, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "config/config.hpp"
#include "fuzz_support.hpp"
#include "web/web_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  // Target file patterns resolve against a folder that does not exist: no file is read.
  const auto config = mtasts::config::parse_config(yaml, "fuzz.yml", "/nonexistent-fuzz-dir");
  if (!config) {
    MTASTS_FUZZ_CHECK(!config.error().empty());
    for (const auto& error : config.error()) {
      MTASTS_FUZZ_CHECK(!error.message.empty());
      MTASTS_FUZZ_CHECK(error.to_string().starts_with(error.file));
    }
  } else {
    // Every accepted setting is within its limits (a duration that overflowed would not be).
    const auto& accepted = *config;
    for (const auto& target : accepted.targets) {
      MTASTS_FUZZ_CHECK(target.check.timeout <= mtasts::config::limits::kTimeout);
      MTASTS_FUZZ_CHECK(target.check.interval <= mtasts::config::limits::kInterval);
    }
  }
  const auto web = mtasts::web::parse_web_config(yaml, "web.yml", "/nonexistent-fuzz-dir");
  if (!web) MTASTS_FUZZ_CHECK(web.error().starts_with("web.yml"));
  return 0;
}
