#include "probe/egress_canaries.hpp"

#include <fmt/format.h>

#include "common/run_all.hpp"
#include "common/with_deadline.hpp"
#include "net/smtp_probe.hpp"

namespace mtasts::probe {
namespace {

asio::awaitable<void> greet(CheckContext& context, const HostPort& canary, std::string ehlo_name,
                            std::chrono::milliseconds timeout, CanaryResult& out) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  out.canary = canary.host.find(':') != std::string::npos
                   ? fmt::format("[{}]:{}", canary.host, canary.port)
                   : fmt::format("{}:{}", canary.host, canary.port);
  std::error_code ec;
  auto address = asio::ip::make_address(canary.host, ec);
  if (ec) {
    // A name: its first IPv4 address, else its first IPv6 address.
    for (bool v6 : {false, true}) {
      auto lookup = co_await with_deadline(context.resolver.addresses(canary.host, v6), deadline);
      if (lookup && !lookup->records.empty()) {
        address = lookup->records.front();
        ec.clear();
        break;
      }
    }
    if (ec) {
      out.detail = fmt::format("{} has no address", canary.host);
      co_return;
    }
  }
  net::SmtpOptions options;
  options.ehlo_name = std::move(ehlo_name);
  options.banner_only = true;
  options.timeout = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 deadline - std::chrono::steady_clock::now()),
                             std::chrono::milliseconds(1));
  options.step_timeout = options.timeout;
  const auto probe = co_await net::probe_smtp(
      context.smtp_tls, canary.host, asio::ip::tcp::endpoint(address, canary.port), options);
  out.reached = probe.error == net::SmtpError::none;
  if (!out.reached) {
    out.detail = fmt::format("{} at {}: {}", net::to_string(probe.error),
                             net::to_string(probe.stage), probe.detail);
  }
}

}  // namespace

asio::awaitable<std::vector<CanaryResult>> greet_canaries(CheckContext& context,
                                                          std::vector<HostPort> canaries,
                                                          std::string ehlo_name,
                                                          std::chrono::milliseconds timeout) {
  std::vector<CanaryResult> results(canaries.size());
  std::vector<asio::awaitable<void>> tasks;
  for (std::size_t i = 0; i < canaries.size(); ++i) {
    tasks.push_back(greet(context, canaries[i], ehlo_name, timeout, results[i]));
  }
  co_await run_all(std::move(tasks));
  co_return results;
}

}  // namespace mtasts::probe
