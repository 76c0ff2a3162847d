#include "report/json.hpp"

namespace mtasts::report {

Json to_json(const Finding& finding) {
  return Json{{"severity", to_string(finding.severity)},
              {"code", to_string(finding.code)},
              {"subject", finding.subject},
              {"message", finding.message},
              {"rfc", spec(finding.code).rfc},
              {"advice", spec(finding.code).advice}};
}

Json to_json(std::span<const Finding> findings) {
  Json out = Json::array();
  for (const auto& f : findings) out.push_back(to_json(f));
  return out;
}

std::string dump(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace mtasts::report
