#include "dns/dns_error.hpp"

#include <ares.h>

#include <asio/error.hpp>
#include <string>

namespace mtasts::dns {
namespace {

class AresCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "c-ares"; }
  std::string message(int status) const override { return ares_strerror(status); }
};

class ResolverCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "resolver"; }
  std::string message(int value) const override {
    switch (static_cast<ResolverErrc>(value)) {
      case ResolverErrc::cname_loop: return "CNAME chain loops or is longer than 8 hops";
    }
    return "unknown resolver error";
  }
};

}  // namespace

const std::error_category& resolver_category() noexcept {
  static const ResolverCategory category;
  return category;
}

std::error_code make_error_code(ResolverErrc errc) noexcept {
  return {static_cast<int>(errc), resolver_category()};
}

const std::error_category& ares_category() noexcept {
  static const AresCategory category;
  return category;
}

std::error_code make_ares_error(int status) noexcept {
  return {status, ares_category()};
}

std::string_view to_string(DnsFailure failure) noexcept {
  switch (failure) {
    case DnsFailure::none: return "none";
    case DnsFailure::nxdomain: return "nxdomain";
    case DnsFailure::nodata: return "nodata";
    case DnsFailure::servfail: return "servfail";
    case DnsFailure::refused: return "refused";
    case DnsFailure::timeout: return "timeout";
    case DnsFailure::unreachable: return "unreachable";
    case DnsFailure::bad_response: return "bad_response";
    case DnsFailure::cname_loop: return "cname_loop";
    case DnsFailure::cancelled: return "cancelled";
    case DnsFailure::other: return "other";
  }
  return "other";
}

DnsFailure classify(const std::error_code& error) noexcept {
  if (!error) return DnsFailure::none;
  if (error == asio::error::operation_aborted) return DnsFailure::cancelled;
  if (error == std::errc::timed_out) return DnsFailure::timeout;
  if (error == make_error_code(ResolverErrc::cname_loop)) return DnsFailure::cname_loop;
  if (error.category() != ares_category()) return DnsFailure::other;
  switch (error.value()) {
    case ARES_ENOTFOUND: return DnsFailure::nxdomain;
    case ARES_ENODATA: return DnsFailure::nodata;
    case ARES_ESERVFAIL: return DnsFailure::servfail;
    case ARES_EREFUSED: return DnsFailure::refused;
    case ARES_ETIMEOUT: return DnsFailure::timeout;
    case ARES_ECONNREFUSED: return DnsFailure::unreachable;
    case ARES_EBADRESP:
    case ARES_EFORMERR: return DnsFailure::bad_response;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION: return DnsFailure::cancelled;
    default: return DnsFailure::other;
  }
}

}  // namespace mtasts::dns
