/// @file
/// @brief The standard process_* metrics of Prometheus client libraries, read from /proc
/// (prometheus-cpp does not provide them).
#pragma once

#include <optional>

namespace mtasts::metrics {

struct ProcessStats {
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;
  double open_fds = 0;
  double max_fds = 0;
};

/// When this process started, in seconds since the epoch: the time of the first call, which
/// the daemon makes at start-up. Not computed from /proc/stat's btime: the shipped systemd
/// unit's ProcSubset=pid hides /proc/stat.
double process_start_time_seconds();

/// Reads this process' figures; nullopt where /proc is not available.
std::optional<ProcessStats> read_process_stats();

}  // namespace mtasts::metrics
