#include "metrics/process.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace mtasts::metrics {

double process_start_time_seconds() {
  static const double at =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return at;
}

std::optional<ProcessStats> read_process_stats() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name (field 2) may hold spaces; the fields after it follow its ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  std::vector<std::string> values;  // values[0] is field 3 (state)
  while (fields >> field) values.push_back(field);
  if (values.size() < 22) return std::nullopt;
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcessStats stats;
  stats.cpu_seconds = (std::stod(values[11]) + std::stod(values[12])) / ticks;  // utime, stime
  stats.virtual_bytes = std::stod(values[20]);                                  // vsize
  stats.resident_bytes = std::stod(values[21]) * page;                          // rss pages
  stats.start_time_seconds = process_start_time_seconds();
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    stats.open_fds += 1;
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) stats.max_fds = static_cast<double>(limit.rlim_cur);
  return stats;
}

}  // namespace mtasts::metrics
