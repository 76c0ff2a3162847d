#include "tlsrpt/maildir.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "common/file.hpp"

namespace mtasts::tlsrpt {
namespace {

namespace fs = std::filesystem;

/// The name a seen message gets in cur/: "<unique>:2,S" (the Maildir info of a read message).
std::string seen_name(const std::string& name) {
  const auto info = name.find(":2,");
  if (info == std::string::npos) return name + ":2,S";
  std::string flags = name.substr(info + 3);
  if (flags.find('S') == std::string::npos) {
    flags += 'S';
    std::sort(flags.begin(), flags.end());  // flags are kept in ASCII order
  }
  return name.substr(0, info) + ":2," + flags;
}

}  // namespace

Result<void> validate_maildir(const std::string& dir) {
  std::error_code ec;
  for (const char* sub : {"new", "cur"}) {
    if (!fs::is_directory(fs::path(dir) / sub, ec)) {
      return failure(fmt::format("{} is not a Maildir (it has no {}/ directory)", dir, sub));
    }
  }
  return {};
}

std::vector<MaildirMessage> take_maildir(ReportStore& store, const std::string& storage_dir,
                                         const std::string& maildir, std::size_t limit,
                                         std::time_t now, const DomainFilter& accept,
                                         const InputLimits& limits) {
  std::vector<MaildirMessage> taken;
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(maildir) / "new", ec)) {
    const std::string name = entry.path().filename().string();
    // Regular files only, never through a link: whoever may write the Maildir must not make the
    // agent read (and keep aside) a file of its choosing.
    const auto status = entry.symlink_status(ec);
    if (!name.empty() && name.front() != '.' && fs::is_regular_file(status)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  if (names.size() > limit) names.resize(limit);
  for (const auto& name : names) {
    const fs::path path = fs::path(maildir) / "new" / name;
    MaildirMessage message{name, {}};
    const auto bytes = read_file(path.string(), limits.max_input_bytes);
    if (!bytes) {
      // Too large, or unreadable: kept aside with the reason like any input that is not a report.
      message.result.outcome = IngestResult::Outcome::rejected;
      message.result.problem = bytes.error();
      message.result.lines.push_back(bytes.error());
    } else {
      message.result =
          ingest(store, storage_dir, *bytes, InputFormat::mail, "maildir", now, limits, accept);
    }
    if (message.result.outcome != IngestResult::Outcome::failed) {
      fs::rename(path, fs::path(maildir) / "cur" / seen_name(name), ec);
      if (ec) message.result.lines.push_back("cannot move it to cur/: " + ec.message());
    }
    const bool stop = message.result.outcome == IngestResult::Outcome::failed;
    taken.push_back(std::move(message));
    if (stop) break;  // the store is unavailable: the rest waits for the next pass too
  }
  return taken;
}

}  // namespace mtasts::tlsrpt
