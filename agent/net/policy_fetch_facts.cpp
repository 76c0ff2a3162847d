#include "net/policy_fetch_facts.hpp"

namespace mtasts::net {

bool is_local_resource_error(const std::error_code& ec) noexcept {
  return ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system ||
         ec == std::errc::no_buffer_space || ec == std::errc::not_enough_memory;
}

std::string_view to_string(FetchError error) noexcept {
  switch (error) {
    case FetchError::none: return "none";
    case FetchError::connect_refused: return "connect_refused";
    case FetchError::connect_failed: return "connect_failed";
    case FetchError::tls_failed: return "tls_failed";
    case FetchError::http_malformed: return "http_malformed";
    case FetchError::http_truncated: return "http_truncated";
    case FetchError::body_too_large: return "body_too_large";
    case FetchError::timeout: return "timeout";
    case FetchError::local_resources: return "local_resources";
  }
  return "unknown";
}

std::string_view to_string(FetchStage stage) noexcept {
  switch (stage) {
    case FetchStage::connect: return "connect";
    case FetchStage::tls: return "tls";
    case FetchStage::http: return "http";
    case FetchStage::done: return "done";
  }
  return "unknown";
}

}  // namespace mtasts::net
