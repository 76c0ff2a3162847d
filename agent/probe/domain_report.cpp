#include "probe/domain_report.hpp"

namespace mtasts::probe {

std::string DaneHostFacts::tlsa_name(std::string_view host) const {
  std::string name = "_25._tcp.";
  name += tlsa_at_canonical ? std::string_view(canonical_host) : host;
  return name;
}

SharedDaneHostFacts share(DaneHostFacts facts) {
  static const auto unsigned_zone = std::make_shared<const DaneHostFacts>();
  if (facts == *unsigned_zone) return unsigned_zone;
  return std::make_shared<const DaneHostFacts>(std::move(facts));
}

SharedDnssecFacts share(DnssecFacts facts) {
  static const auto unsigned_zone = std::make_shared<const DnssecFacts>();
  if (facts == *unsigned_zone) return unsigned_zone;
  return std::make_shared<const DnssecFacts>(std::move(facts));
}

std::string_view to_string(RecordStatus status) noexcept {
  switch (status) {
    case RecordStatus::not_evaluated: return "";
    case RecordStatus::valid: return "valid";
    case RecordStatus::invalid: return "invalid";
    case RecordStatus::missing: return "missing";
    case RecordStatus::multiple: return "multiple";
    case RecordStatus::misplaced: return "misplaced";
    case RecordStatus::dns_error: return "dns_error";
  }
  return "";
}

std::string_view to_string(PolicyStatus status) noexcept {
  switch (status) {
    case PolicyStatus::not_evaluated: return "";
    case PolicyStatus::valid: return "valid";
    case PolicyStatus::invalid: return "invalid";
    case PolicyStatus::certificate_invalid: return "certificate_invalid";
    case PolicyStatus::unreachable: return "unreachable";
    case PolicyStatus::none: return "none";
  }
  return "";
}

std::optional<RecordStatus> record_status_from_name(std::string_view name) noexcept {
  for (auto status : {RecordStatus::not_evaluated, RecordStatus::valid, RecordStatus::invalid,
                      RecordStatus::missing, RecordStatus::multiple, RecordStatus::misplaced,
                      RecordStatus::dns_error}) {
    if (to_string(status) == name) return status;
  }
  return std::nullopt;
}

std::optional<PolicyStatus> policy_status_from_name(std::string_view name) noexcept {
  for (auto status :
       {PolicyStatus::not_evaluated, PolicyStatus::valid, PolicyStatus::invalid,
        PolicyStatus::certificate_invalid, PolicyStatus::unreachable, PolicyStatus::none}) {
    if (to_string(status) == name) return status;
  }
  return std::nullopt;
}

}  // namespace mtasts::probe
