#include "mtasts/tlsrpt_record.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "mtasts/domain_name.hpp"
#include "mtasts/text.hpp"

namespace mtasts {
namespace {

constexpr bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Characters a URI may hold literally (RFC 3986 §2: unreserved, gen-delims, sub-delims),
// minus the three RFC 8460 §3 requires to be percent-encoded: ',', '!' and ';'.
bool is_literal_uri_char(char c) noexcept {
  if (is_alnum(c)) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':  // unreserved
    case ':':
    case '/':
    case '?':
    case '#':
    case '[':
    case ']':
    case '@':  // gen-delims
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case '=': return true;
    default: return false;
  }
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      auto hex = [](char c) { return is_digit(c) ? c - '0' : ascii_lower(c) - 'a' + 10; };
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Result<void> validate_mailto(std::string_view rest) {
  const auto addr_part = rest.substr(0, rest.find('?'));  // RFC 6068 hfields follow '?'
  const std::string addr = percent_decode(addr_part);
  if (addr.empty()) return failure(std::string("mailto: has no address"));
  if (addr.find(',') != std::string::npos) {
    return failure(
        std::string("mailto: holds several addresses; give each its own URI, comma-separated"));
  }
  const std::size_t at = addr.rfind('@');
  if (at == std::string::npos)
    return failure(fmt::format("address {} has no '@'", in_quotes(addr)));
  if (at == 0) return failure(fmt::format("address {} has an empty local part", in_quotes(addr)));
  const auto domain = std::string_view(addr).substr(at + 1);
  if (auto valid = validate_domain_name(domain); !valid) {
    return failure(fmt::format("the domain of {} {}", in_quotes(addr), valid.error()));
  }
  return {};
}

Result<void> validate_https(std::string_view rest) {
  if (!rest.starts_with("//")) return failure(std::string("https: must be followed by //host"));
  rest.remove_prefix(2);
  const auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return failure(std::string("https: URI carries user information before the host; remove it"));
  }
  auto host = authority;
  if (!host.starts_with('[')) {
    const std::size_t colon = host.rfind(':');
    if (colon != std::string_view::npos) {
      const auto port = host.substr(colon + 1);
      bool digits = !port.empty() && port.size() <= 5;
      for (char c : port) digits = digits && is_digit(c);
      if (!digits) return failure(fmt::format("port {} is not a number", in_quotes(port)));
      host = host.substr(0, colon);
    }
    if (host.empty()) return failure(std::string("https: URI has no host"));
    if (!looks_like_ip_address(host)) {
      if (auto valid = validate_domain_name(host); !valid) {
        return failure(fmt::format("host {} {}", in_quotes(host), valid.error()));
      }
    }
  }
  return {};
}

}  // namespace

Result<void> validate_rua_uri(std::string_view uri) {
  if (uri.empty()) return failure(std::string("empty URI"));
  const std::size_t colon = uri.find(':');
  bool has_scheme = colon != std::string_view::npos && colon > 0 && is_alpha(uri.front());
  for (std::size_t i = 0; has_scheme && i < colon; ++i) {
    const char c = uri[i];
    has_scheme = is_alnum(c) || c == '+' || c == '-' || c == '.';
  }
  if (!has_scheme) {
    if (uri.find('@') != std::string_view::npos) {
      return failure(fmt::format("{} is an address, not a URI; write mailto:{}", in_quotes(uri),
                                 printable(uri)));
    }
    return failure(
        fmt::format("{} is not a URI (no scheme such as mailto: or https:)", in_quotes(uri)));
  }
  for (std::size_t i = 0; i < uri.size(); ++i) {
    const char c = uri[i];
    if (c == '%') {
      if (i + 2 >= uri.size() || !is_hex(uri[i + 1]) || !is_hex(uri[i + 2])) {
        return failure(
            fmt::format("{} has a '%' that does not start a %XX escape", in_quotes(uri)));
      }
      continue;
    }
    if (c == '!' || c == ';' || c == ',') {
      return failure(fmt::format("{} contains {}, which RFC 8460 requires to be percent-encoded",
                                 in_quotes(uri), in_quotes(std::string_view(&c, 1))));
    }
    if (!is_literal_uri_char(c)) {
      return failure(fmt::format("{} contains {}, which a URI cannot hold unencoded",
                                 in_quotes(uri), in_quotes(std::string_view(&c, 1))));
    }
  }
  const auto scheme = uri.substr(0, colon);
  const auto rest = uri.substr(colon + 1);
  if (iequals_ascii(scheme, "mailto")) return validate_mailto(rest);
  if (iequals_ascii(scheme, "https")) return validate_https(rest);
  return failure(
      fmt::format("scheme {} is not supported; TLS-RPT sends reports only to mailto: and "
                  "https: URIs",
                  in_quotes(scheme)));
}

TlsRptRecord parse_tlsrpt_record(std::string_view text, std::string_view subject) {
  TlsRptRecord out;
  std::string sub(subject);
  auto add = [&](FindingCode code, std::string message) {
    out.findings.push_back(make_finding(code, sub, std::move(message)));
  };

  const auto fields = split_tag_value_record(text);
  if (!fields) {
    add(FindingCode::tlsrpt_invalid, fmt::format("record {}: {}", in_quotes(text), fields.error()));
    return out;
  }
  if ((*fields).front().name != "v" || (*fields).front().value != "TLSRPTv1") {
    add(FindingCode::tlsrpt_invalid,
        fmt::format("record {} does not begin with v=TLSRPTv1 (case-sensitive)", in_quotes(text)));
    return out;
  }

  bool rua_seen = false;
  bool syntax_ok = true;
  std::size_t usable = 0;
  for (std::size_t i = 1; i < (*fields).size(); ++i) {
    const auto& [name, value] = (*fields)[i];
    bool duplicate = name == "v" || (name == "rua" && rua_seen);
    for (const auto& ext : out.extensions) duplicate = duplicate || ext.name == name;
    if (duplicate) {
      add(FindingCode::tlsrpt_duplicate_field,
          fmt::format("field {} appears more than once; senders may use either", in_quotes(name)));
      continue;
    }
    if (name == "rua") {
      rua_seen = true;
      // tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
      std::size_t start = 0;
      while (true) {
        const std::size_t comma = value.find(',', start);
        const auto uri = trim_wsp(std::string_view(value).substr(
            start, comma == std::string::npos ? std::string::npos : comma - start));
        if (uri.empty()) {
          add(FindingCode::tlsrpt_invalid, "rua has an empty entry (a stray or doubled ',')");
          syntax_ok = false;
        } else {
          out.rua.emplace_back(uri);
          if (auto valid = validate_rua_uri(uri); !valid) {
            add(FindingCode::tlsrpt_rua_invalid, valid.error());
          } else {
            ++usable;
          }
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      continue;
    }
    if (!is_extension_value(value)) {
      add(FindingCode::tlsrpt_invalid,
          fmt::format("field {} has the value {}, which is empty or has a space, '=' or ';'",
                      in_quotes(name), in_quotes(value)));
      syntax_ok = false;
      continue;
    }
    add(FindingCode::tlsrpt_unknown_field,
        iequals_ascii(name, "rua")
            ? fmt::format("field {} is not rua: field names are case-sensitive", in_quotes(name))
            : fmt::format("field {} is not defined by RFC 8460; senders ignore it",
                          in_quotes(name)));
    out.extensions.push_back({name, value});
  }
  if (!rua_seen) {
    add(FindingCode::tlsrpt_invalid,
        "the record has no rua field; add rua=mailto:<address> or rua=https://<host>/<path>");
  } else if (usable == 0 && syntax_ok) {
    add(FindingCode::tlsrpt_invalid, "no rua destination is usable: no report can be delivered");
  }
  out.valid = rua_seen && syntax_ok && usable > 0;
  return out;
}

TlsRptRecord evaluate_tlsrpt_records(std::span<const std::string> records,
                                     std::string_view subject) {
  static constexpr SelectionCodes kCodes{kTlsRptVersion, FindingCode::tlsrpt_missing,
                                         FindingCode::tlsrpt_invalid, FindingCode::tlsrpt_multiple,
                                         FindingCode::tlsrpt_discarded};
  return parse_selected_record<TlsRptRecord>(records, kCodes, subject, &parse_tlsrpt_record);
}

}  // namespace mtasts
