/// @file
/// @brief Egress canaries: known-good SMTP servers the operator names, greeted (connect, read
/// the 220 banner, QUIT) to prove that the agent's outbound port 25 works, or that it is
/// blocked, where the fleet's own MX hosts are too few to tell.
#pragma once

#include <asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "mtasts/host_port.hpp"
#include "probe/check_domain.hpp"

namespace mtasts::probe {

struct CanaryResult {
  std::string canary;    ///< as configured, "host:port"
  bool reached = false;  ///< a 220 greeting came back
  std::string detail;    ///< why not, for the log
};

/// Greets every canary at once, each within `timeout`.
asio::awaitable<std::vector<CanaryResult>> greet_canaries(CheckContext& context,
                                                          std::vector<HostPort> canaries,
                                                          std::string ehlo_name,
                                                          std::chrono::milliseconds timeout);

}  // namespace mtasts::probe
