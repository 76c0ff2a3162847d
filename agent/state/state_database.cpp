#include "state/state_database.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/sqlite.hpp"
#include "state/report_codec.hpp"
#include "state/state_file.hpp"

namespace mtasts::state {
namespace {

using sqlite::DatabasePtr;
using sqlite::error;
using sqlite::prepare;
using sqlite::StatementPtr;

/// A file descriptor that is closed (and its flock released) when it goes.
class LockFile {
 public:
  explicit LockFile(int fd) : fd_(fd) {}
  ~LockFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

 private:
  int fd_;
};

/// 2: the days column (the worst verdict of each of the last 30 days).
constexpr int kSchemaVersion = 2;

constexpr const char* kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS domains (
    domain  TEXT PRIMARY KEY,
    history TEXT,  -- what change detection remembers (JSON), NULL until a policy was seen
    report  TEXT,  -- the latest report (JSON, report_codec), NULL until checked
    days    TEXT   -- the worst verdict of each of the last 30 days (DailyVerdicts::encode)
  );
)sql";

/// "lock held by pid 1234" from the lock file's content, for the error message.
std::string holder_of(int fd) {
  char buffer[32] = {};
  const auto n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string pid(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? std::string() : fmt::format(" (pid {})", pid);
}

Result<std::unique_ptr<LockFile>> take_lock(const std::string& dir) {
  const std::string path = dir + "/" + std::string(kLockFileName);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0) return failure(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  auto lock = std::make_unique<LockFile>(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return failure(fmt::format(
          "another mta-sts-agent{} is using --storage.path {}; give each agent (each shard) its "
          "own directory",
          holder_of(fd), dir));
    }
    return failure(fmt::format("cannot lock {}: {}", path, std::strerror(errno)));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const auto written = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
  return lock;
}

/// Opens `path` and checks that it is a usable database of this schema; the problem when not.
Result<DatabasePtr> open_checked(const std::string& path) {
  auto db = sqlite::open(path, {.schema = kSchema, .schema_version = kSchemaVersion});
  if (!db) return db;
  // A database of schema 1 has no days column yet: add it (its rows keep their reports).
  if (!prepare(db->get(), "SELECT days FROM domains LIMIT 0;") &&
      sqlite3_exec(db->get(), "ALTER TABLE domains ADD COLUMN days TEXT;", nullptr, nullptr,
                   nullptr) != SQLITE_OK) {
    return failure(error(db->get(), path + " cannot be updated to this version"));
  }
  return db;
}

}  // namespace

struct StateDatabase::Handles {
  std::unique_ptr<LockFile> lock;
  DatabasePtr db;
  StatementPtr upsert;
  StatementPtr select_all;
};

StateDatabase::StateDatabase(std::unique_ptr<Handles> handles) : handles_(std::move(handles)) {}
StateDatabase::~StateDatabase() = default;

Result<std::unique_ptr<StateDatabase>> StateDatabase::open(const std::string& dir,
                                                           std::vector<std::string>& notices) {
  auto handles = std::make_unique<Handles>();
  auto lock = take_lock(dir);
  if (!lock) return failure(std::move(lock.error()));
  handles->lock = std::move(*lock);

  const std::string path = dir + "/" + std::string(kDatabaseFileName);
  const bool existed = std::filesystem::exists(path);
  auto opened = open_checked(path);
  if (!opened) {
    // A bad file must not keep the agent down: keep it for a look, start afresh.
    const auto aside = sqlite::move_aside(path);
    notices.push_back(
        aside ? fmt::format("{}; moved aside to {} and started a new one", opened.error(), *aside)
              : fmt::format("{}; {}", opened.error(), aside.error()));
    opened = open_checked(path);
    if (!opened) return failure(std::move(opened.error()));
  }
  handles->db = std::move(*opened);
  handles->upsert = prepare(handles->db.get(),
                            "INSERT INTO domains (domain, history, report, days) VALUES (?1, ?2, "
                            "?3, ?4) ON CONFLICT (domain) DO UPDATE SET history = ?2, report = ?3, "
                            "days = ?4;");
  handles->select_all =
      prepare(handles->db.get(), "SELECT domain, history, report, days FROM domains;");
  if (!handles->upsert || !handles->select_all) {
    return failure(error(handles->db.get(), "cannot prepare the state statements"));
  }
  auto database = std::unique_ptr<StateDatabase>(new StateDatabase(std::move(handles)));

  // An older agent kept only the histories, in state.json: import them once.
  const std::string json_path = dir + "/" + std::string(kStateFileName);
  if (!existed && std::filesystem::exists(json_path)) {
    const auto histories = load_state(dir, notices);
    if (!histories) notices.push_back(histories.error());
    std::size_t imported = 0;
    for (const auto& [domain, history] : histories.value_or(Histories{})) {
      if (database->save_row(domain, &history, nullptr, nullptr)) ++imported;
    }
    std::error_code ec;
    std::filesystem::rename(json_path, json_path + ".imported", ec);
    notices.push_back(
        fmt::format("imported {} domains' change-detection state from {} (now {}.imported)",
                    imported, json_path, json_path));
  }
  return database;
}

std::map<std::string, StoredDomain> StateDatabase::load(std::vector<std::string>& notices) {
  std::map<std::string, StoredDomain> out;
  sqlite3_stmt* s = handles_->select_all.get();
  sqlite3_reset(s);
  std::size_t unreadable = 0;
  std::string first_problem;
  for (int rc = sqlite3_step(s); rc == SQLITE_ROW; rc = sqlite3_step(s)) {
    const auto text = [s](int column) -> std::optional<std::string> {
      if (sqlite3_column_type(s, column) == SQLITE_NULL) return std::nullopt;
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, column)),
                         static_cast<std::size_t>(sqlite3_column_bytes(s, column)));
    };
    const auto domain = text(0);
    if (!domain) continue;
    StoredDomain stored;
    const auto unreadable_because = [&](const std::string& problem) {
      if (first_problem.empty()) first_problem = *domain + ": " + problem;
      ++unreadable;
    };
    if (const auto history = text(1)) {
      auto decoded = decode_history(nlohmann::json::parse(*history, nullptr, false));
      if (decoded) {
        stored.history = std::move(*decoded);
      } else {
        unreadable_because(decoded.error());
      }
    }
    if (const auto report = text(2)) {
      auto decoded = decode_report(nlohmann::json::parse(*report, nullptr, false));
      if (decoded && decoded->domain != *domain) {
        unreadable_because("the report is for " + decoded->domain);
      } else if (decoded) {
        stored.report = std::move(*decoded);
      } else {
        unreadable_because(decoded.error());
      }
    }
    if (const auto days = text(3)) {
      auto decoded = DailyVerdicts::decode(*days);
      if (decoded) {
        stored.days = *decoded;
      } else {
        unreadable_because(decoded.error());
      }
    }
    out.emplace(*domain, std::move(stored));
  }
  sqlite3_reset(s);
  if (unreadable > 0) {
    notices.push_back(fmt::format(
        "{} stored reports or histories could not be read (first: {}); those domains are "
        "checked afresh",
        unreadable, first_problem));
  }
  return out;
}

Result<void> StateDatabase::save_row(const std::string& domain, const probe::PolicyHistory* history,
                                     const probe::DomainReport* report, const DailyVerdicts* days) {
  sqlite3_stmt* s = handles_->upsert.get();
  const std::string days_text = days ? days->encode() : std::string();
  // Names, records and policies are what domains publish, bytes that need not be UTF-8:
  // the texts hold each invalid byte as U+FFFD.
  const std::string history_json = history ? history_text(*history) : std::string();
  const std::string report_json = report ? report_text(*report) : std::string();
  sqlite3_reset(s);
  sqlite3_bind_text(s, 1, domain.data(), static_cast<int>(domain.size()), SQLITE_STATIC);
  if (history) {
    sqlite3_bind_text(s, 2, history_json.data(), static_cast<int>(history_json.size()),
                      SQLITE_STATIC);
  } else {
    sqlite3_bind_null(s, 2);
  }
  if (report) {
    sqlite3_bind_text(s, 3, report_json.data(), static_cast<int>(report_json.size()),
                      SQLITE_STATIC);
  } else {
    sqlite3_bind_null(s, 3);
  }
  if (days) {
    sqlite3_bind_text(s, 4, days_text.data(), static_cast<int>(days_text.size()), SQLITE_STATIC);
  } else {
    sqlite3_bind_null(s, 4);
  }
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE) return failure(error(handles_->db.get(), "cannot store " + domain));
  return {};
}

Result<void> StateDatabase::save(const std::vector<Row>& rows) {
  if (rows.empty()) return {};
  // One transaction for the batch: a commit per row cost more than encoding the row.
  auto transaction = sqlite::Transaction::begin(handles_->db.get());
  if (!transaction) return failure(std::move(transaction.error()));
  for (const auto& row : rows) {
    if (auto saved = save_row(row.report->domain, row.history, row.report, row.days); !saved) {
      return saved;
    }
  }
  return transaction->commit();
}

Result<void> StateDatabase::forget_all_but(const std::set<std::string>& keep) {
  std::vector<std::string> gone;
  {
    sqlite3_stmt* s = handles_->select_all.get();
    sqlite3_reset(s);
    while (sqlite3_step(s) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      if (text && !keep.contains(text)) gone.emplace_back(text);
    }
    sqlite3_reset(s);
  }
  if (gone.empty()) return {};
  sqlite3* db = handles_->db.get();
  StatementPtr remove = prepare(db, "DELETE FROM domains WHERE domain = ?1;");
  if (!remove) return failure(error(db, "cannot prepare a delete"));
  auto transaction = sqlite::Transaction::begin(db);
  if (!transaction) return failure(std::move(transaction.error()));
  for (const auto& domain : gone) {
    sqlite3_reset(remove.get());
    sqlite3_bind_text(remove.get(), 1, domain.data(), static_cast<int>(domain.size()),
                      SQLITE_STATIC);
    if (sqlite3_step(remove.get()) != SQLITE_DONE)
      return failure(error(db, "cannot forget " + domain));
  }
  return transaction->commit();
}

}  // namespace mtasts::state
