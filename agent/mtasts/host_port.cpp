#include "mtasts/host_port.hpp"

#include <fmt/format.h>

#include <asio/ip/address.hpp>
#include <charconv>

#include "mtasts/domain_name.hpp"
#include "mtasts/text.hpp"

namespace mtasts {

Result<HostPort> parse_host_port(std::string_view text) {
  HostPort out;
  std::string_view host, port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || text.substr(close + 1).size() < 2 ||
        text[close + 1] != ':') {
      return failure(fmt::format("{} is not [IPv6]:PORT", in_quotes(text)));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    std::error_code ec;
    const auto address = asio::ip::make_address_v6(std::string(host), ec);
    if (ec) {
      return failure(fmt::format("{} is not an IPv6 address", in_quotes(host)));
    }
    out.host = address.to_string();
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return failure(fmt::format("{} is not HOST:PORT (write an IPv6 address as [ADDRESS]:PORT)",
                                 in_quotes(text)));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    std::error_code ec;
    const auto address = asio::ip::make_address_v4(std::string(host), ec);
    if (!ec) {
      out.host = address.to_string();
    } else {
      std::string name = canonical_name(host);
      if (auto valid = validate_domain_name(name); !valid) {
        return failure(fmt::format("{} {}", in_quotes(host), valid.error()));
      }
      out.host = std::move(name);
    }
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
      value > 65535) {
    return failure(fmt::format("{} has no port from 1 to 65535 after ':'", in_quotes(text)));
  }
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

}  // namespace mtasts
