#include "common/server_address.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <asio/ip/address.hpp>
#include <charconv>

namespace mtasts {

Result<ServerAddress> parse_server_address(std::string_view text) {
  ServerAddress out;
  std::string_view host = text;
  std::string_view port = "53";
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return failure(fmt::format("\"{}\" has '[' without ']'", text));
    }
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) {
        return failure(fmt::format("\"{}\": expected ':PORT' after ']'", text));
      }
      port = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    host = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  std::error_code ec;
  const auto address = asio::ip::make_address(std::string(host), ec);
  if (ec) {
    return failure(fmt::format("\"{}\" is not an IP address (DNS servers are given as IP[:PORT])",
                               std::string(host)));
  }
  unsigned value = 0;
  const auto [ptr, perr] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (perr != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
    return failure(fmt::format("\"{}\" is not a port (1-65535)", port));
  }
  out.ares_form = address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), value)
                                  : fmt::format("{}:{}", address.to_string(), value);
  out.unbound_form = fmt::format("{}@{}", address.to_string(), value);
  out.address = address;
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

Result<ServerAddress> parse_trusted_resolver_address(std::string_view text) {
  auto parsed = parse_server_address(text);
  if (parsed && !parsed->address.is_loopback()) {
    return failure(fmt::format(
        "\"{}\" is not a loopback address: the AD bit is trusted only from a validating "
        "resolver on this machine",
        text));
  }
  return parsed;
}

}  // namespace mtasts
