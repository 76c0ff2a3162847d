/// @file
/// @brief Renders every metric family at scrape time from the latest report of each domain
/// and the agent's own counters (rendered from the reports: no gauge per series is kept, so a
/// domain that leaves the config simply stops being rendered).
#pragma once

#include <prometheus/metric_family.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/domain_store.hpp"

namespace mtasts::metrics {

/// The agent's own figures, kept by the daemon.
struct AgentStats {
  std::size_t domains = 0;
  std::uint64_t checks_total = 0;
  std::uint64_t check_failures_total = 0;
  std::size_t checks_in_flight = 0;
  std::size_t concurrency_limit = 0;
  double schedule_lag_seconds = 0;
  bool config_last_reload_successful = false;
  std::int64_t config_last_reload_success_timestamp = 0;
  std::size_t shard_index = 0;
  std::size_t shard_total = 1;
  std::uint64_t state_save_failures_total = 0;
  std::uint64_t smtp_probes_total = 0;
  std::uint64_t smtp_probes_shared_total = 0;
  /// TLS-RPT reports taken from the report store, by source ("https", "mail", ...).
  std::map<std::string, std::uint64_t> tlsrpt_reports_total;
  /// Inputs of the daemon's ways in, by (source, outcome).
  std::map<std::pair<std::string, std::string>, std::uint64_t> tlsrpt_inputs_total;
  /// Outbound port 25: true working, false presumed blocked, none before any evidence.
  std::optional<bool> port25_egress_up;
  /// DANE's DNSSEC validation works (the trust anchor's zone validates); none while DANE is
  /// not checked or no check has tried it yet.
  std::optional<bool> dane_validation_up;
  /// Counts the changes a scrape must see at once (reloads, the egress state); with the
  /// store's generation it decides when a /metrics render may be served again.
  std::uint64_t generation = 0;
};

/// Every family of metric_families(), in that order, with the samples of `store` and `stats`
/// (families without samples included, so HELP and TYPE are always there).
std::vector<prometheus::MetricFamily> collect(const state::DomainStore& store,
                                              const AgentStats& stats);

/// The same families in the text exposition format into `sink`, one family and at most
/// `domains_per_chunk` domains at a time, so a scrape of 10,000 domains never holds more
/// than a few hundred domains' samples in memory.
void render(const state::DomainStore& store, const AgentStats& stats,
            const std::function<void(std::string_view)>& sink, std::size_t domains_per_chunk = 500);

/// Renders the metrics at scrape time (/metrics); reads the store and the stats by reference,
/// so it must be used on the thread that changes them. Not a prometheus::Collectable: the
/// agent has no registry, its families are rendered in chunks (render above).
class Collector {
 public:
  Collector(const state::DomainStore& store, const AgentStats& stats)
      : store_(store), stats_(stats) {}
  void Render(const std::function<void(std::string_view)>& sink,
              std::size_t domains_per_chunk = 500) const {
    render(store_, stats_, sink, domains_per_chunk);
  }

 private:
  const state::DomainStore& store_;
  const AgentStats& stats_;
};

/// The text exposition format (version 0.0.4) of `families`.
std::string serialize(const std::vector<prometheus::MetricFamily>& families);

}  // namespace mtasts::metrics
