#include "net/smtp_probe_facts.hpp"

namespace mtasts::net {

std::string_view to_string(SmtpError error) noexcept {
  switch (error) {
    case SmtpError::none: return "none";
    case SmtpError::connect_refused: return "connect_refused";
    case SmtpError::connect_failed: return "connect_failed";
    case SmtpError::timeout: return "timeout";
    case SmtpError::banner_rejected: return "banner_rejected";
    case SmtpError::ehlo_rejected: return "ehlo_rejected";
    case SmtpError::starttls_missing: return "starttls_missing";
    case SmtpError::starttls_rejected: return "starttls_rejected";
    case SmtpError::tls_failed: return "tls_failed";
    case SmtpError::protocol: return "protocol";
    case SmtpError::local_resources: return "local_resources";
  }
  return "unknown";
}

std::string_view to_string(SmtpStage stage) noexcept {
  switch (stage) {
    case SmtpStage::connect: return "connect";
    case SmtpStage::banner: return "banner";
    case SmtpStage::ehlo: return "ehlo";
    case SmtpStage::starttls: return "starttls";
    case SmtpStage::tls: return "tls";
    case SmtpStage::quit: return "quit";
    case SmtpStage::done: return "done";
  }
  return "unknown";
}

}  // namespace mtasts::net
