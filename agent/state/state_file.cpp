#include "state/state_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mtasts::state {
namespace {

constexpr int kFormatVersion = 1;

std::string system_error(std::string_view what, const std::string& path) {
  return fmt::format("{} {}: {}", what, path, std::strerror(errno));
}

}  // namespace

std::string serialize_histories(const Histories& histories) {
  nlohmann::json domains = nlohmann::json::object();
  for (const auto& [domain, h] : histories) {
    domains[domain] = {{"id", h.id},
                       {"body_sha256", h.body_sha256},
                       {"first_seen", h.first_seen},
                       {"last_change", h.last_change},
                       {"unannounced_change_since", h.unannounced_change_since},
                       {"needless_id_change_at", h.needless_id_change_at},
                       {"mode", h.mode},
                       {"mode_since", h.mode_since},
                       {"max_age", h.max_age},
                       {"gone_since", h.gone_since},
                       {"previous_expiry", h.previous_expiry}};
  }
  nlohmann::json root = {{"version", kFormatVersion}, {"domains", std::move(domains)}};
  return root.dump(1) + "\n";
}

Histories parse_histories(std::string_view text, std::string& problem) {
  problem.clear();
  Histories out;
  const auto root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    problem = "not a JSON object";
    return out;
  }
  if (root.value("version", 0) != kFormatVersion) {
    problem = fmt::format("format version {} is not {}", root.value("version", 0), kFormatVersion);
    return out;
  }
  const auto domains = root.find("domains");
  if (domains == root.end() || !domains->is_object()) {
    problem = "no \"domains\" object";
    return out;
  }
  std::size_t skipped = 0;
  for (const auto& [domain, entry] : domains->items()) {
    try {
      probe::PolicyHistory h;
      h.id = entry.at("id").get<std::string>();
      h.body_sha256 = entry.at("body_sha256").get<std::string>();
      h.first_seen = entry.at("first_seen").get<std::int64_t>();
      h.last_change = entry.at("last_change").get<std::int64_t>();
      h.unannounced_change_since = entry.value("unannounced_change_since", std::int64_t{0});
      h.needless_id_change_at = entry.value("needless_id_change_at", std::int64_t{0});
      h.mode = entry.value("mode", std::string());
      h.mode_since = entry.value("mode_since", std::int64_t{0});
      h.max_age = entry.value("max_age", std::int64_t{0});
      h.gone_since = entry.value("gone_since", std::int64_t{0});
      h.previous_expiry = entry.value("previous_expiry", std::int64_t{0});
      out.emplace(domain, std::move(h));
    } catch (const nlohmann::json::exception&) {
      ++skipped;
    }
  }
  if (skipped > 0) problem = fmt::format("skipped {} malformed domain entries", skipped);
  return out;
}

Histories load_state(const std::string& dir, std::string& problem) {
  problem.clear();
  const std::string path = dir + "/" + std::string(kStateFileName);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno != ENOENT) problem = system_error("cannot read", path);
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto histories = parse_histories(text.str(), problem);
  if (!problem.empty()) problem = path + ": " + problem;
  return histories;
}

std::string save_state(const std::string& dir, const Histories& histories) {
  const std::string path = dir + "/" + std::string(kStateFileName);
  const std::string temporary = path + ".tmp";
  const std::string text = serialize_histories(histories);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return system_error("cannot create", temporary);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto message = system_error("cannot write", temporary);
      ::close(fd);
      ::unlink(temporary.c_str());
      return message;
    }
    written += static_cast<std::size_t>(n);
  }
  // The data must be on disk before the rename makes it the state file.
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) {
    auto message = system_error("cannot flush", temporary);
    ::unlink(temporary.c_str());
    return message;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    auto message = system_error("cannot rename to", path);
    ::unlink(temporary.c_str());
    return message;
  }
  if (const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    ::fsync(dir_fd);  // the rename itself survives a crash
    ::close(dir_fd);
  }
  return {};
}

}  // namespace mtasts::state
