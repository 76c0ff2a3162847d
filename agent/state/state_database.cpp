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

#include "state/report_codec.hpp"
#include "state/state_file.hpp"

namespace mtasts::state {
namespace {

struct DatabaseCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using DatabasePtr = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

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

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS domains (
    domain  TEXT PRIMARY KEY,
    history TEXT,  -- what change detection remembers (JSON), NULL until a policy was seen
    report  TEXT   -- the latest report (JSON, report_codec), NULL until checked
  );
)sql";

std::string sqlite_error(sqlite3* db, std::string_view what) {
  return fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : "out of memory");
}

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
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, nullptr);
  DatabasePtr db(raw);
  if (rc != SQLITE_OK) return failure(sqlite_error(db.get(), "cannot open " + path));
  // A write waits this long for another process's lock; it blocks the event loop meanwhile,
  // and a failed write is tried again a second later, so keep it short.
  sqlite3_busy_timeout(db.get(), 200);
  // WAL: a write is one append, readers never block it; NORMAL: a committed check survives a
  // crash of the agent (not necessarily of the machine's power), at a fraction of FULL's fsyncs.
  char* message = nullptr;
  // The agent writes and reads back only at start: a small page cache (256 KiB) keeps the
  // memory of 10,000 domains' rows out of the process.
  const std::string setup = fmt::format(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-256; {} "
      "PRAGMA user_version;",
      kSchema);
  if (sqlite3_exec(db.get(), setup.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string problem = message ? message : "unknown error";
    sqlite3_free(message);
    return failure(fmt::format("{} is not a usable database: {}", path, problem));
  }
  sqlite3_stmt* raw_check = nullptr;
  if (sqlite3_prepare_v2(db.get(), "PRAGMA quick_check;", -1, &raw_check, nullptr) != SQLITE_OK) {
    return failure(sqlite_error(db.get(), path + " cannot be checked"));
  }
  StatementPtr check(raw_check);
  if (sqlite3_step(check.get()) != SQLITE_ROW ||
      std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(check.get(), 0))) !=
          "ok") {
    return failure(fmt::format("{} failed its integrity check", path));
  }
  check.reset();
  sqlite3_exec(db.get(), fmt::format("PRAGMA user_version={};", kSchemaVersion).c_str(), nullptr,
               nullptr, nullptr);
  return db;
}

/// Moves a database that cannot be used (and its WAL files) aside, for a look; the name it
/// has now.
Result<std::string> move_aside(const std::string& path) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const std::string aside = fmt::format("{}.corrupt-{}", path, now);
  std::error_code ec;
  std::filesystem::rename(path, aside, ec);
  for (const char* suffix : {"-wal", "-shm"}) {
    std::error_code ignored;
    std::filesystem::rename(path + suffix, aside + suffix, ignored);
  }
  if (ec) return failure(fmt::format("could not move {} aside: {}", path, ec.message()));
  return aside;
}

StatementPtr prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  return StatementPtr(raw);
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
    const auto aside = move_aside(path);
    notices.push_back(
        aside ? fmt::format("{}; moved aside to {} and started a new one", opened.error(), *aside)
              : fmt::format("{}; {}", opened.error(), aside.error()));
    opened = open_checked(path);
    if (!opened) return failure(std::move(opened.error()));
  }
  handles->db = std::move(*opened);
  handles->upsert = prepare(handles->db.get(),
                            "INSERT INTO domains (domain, history, report) VALUES (?1, ?2, ?3) "
                            "ON CONFLICT (domain) DO UPDATE SET history = ?2, report = ?3;");
  handles->select_all = prepare(handles->db.get(), "SELECT domain, history, report FROM domains;");
  if (!handles->upsert || !handles->select_all) {
    return failure(sqlite_error(handles->db.get(), "cannot prepare the state statements"));
  }
  auto database = std::unique_ptr<StateDatabase>(new StateDatabase(std::move(handles)));

  // An older agent kept only the histories, in state.json: import them once.
  const std::string json_path = dir + "/" + std::string(kStateFileName);
  if (!existed && std::filesystem::exists(json_path)) {
    const auto histories = load_state(dir, notices);
    if (!histories) notices.push_back(histories.error());
    std::size_t imported = 0;
    for (const auto& [domain, history] : histories.value_or(Histories{})) {
      if (database->save_row(domain, &history, nullptr)) ++imported;
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
                                     const probe::DomainReport* report) {
  sqlite3_stmt* s = handles_->upsert.get();
  const std::string history_text = history ? encode_history(*history).dump() : std::string();
  const std::string report_text = report ? encode_report(*report).dump() : std::string();
  sqlite3_reset(s);
  sqlite3_bind_text(s, 1, domain.data(), static_cast<int>(domain.size()), SQLITE_STATIC);
  if (history) {
    sqlite3_bind_text(s, 2, history_text.data(), static_cast<int>(history_text.size()),
                      SQLITE_STATIC);
  } else {
    sqlite3_bind_null(s, 2);
  }
  if (report) {
    sqlite3_bind_text(s, 3, report_text.data(), static_cast<int>(report_text.size()),
                      SQLITE_STATIC);
  } else {
    sqlite3_bind_null(s, 3);
  }
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE) return failure(sqlite_error(handles_->db.get(), "cannot store " + domain));
  return {};
}

Result<void> StateDatabase::save(const std::vector<Row>& rows) {
  if (rows.empty()) return {};
  // One transaction for the batch: a commit per row cost more than encoding the row.
  sqlite3* db = handles_->db.get();
  if (sqlite3_exec(db, "BEGIN;", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return failure(sqlite_error(db, "cannot begin a transaction"));
  }
  for (const auto& row : rows) {
    if (auto saved = save_row(row.report->domain, row.history, row.report); !saved) {
      sqlite3_exec(db, "ROLLBACK;", nullptr, nullptr, nullptr);
      return saved;
    }
  }
  if (sqlite3_exec(db, "COMMIT;", nullptr, nullptr, nullptr) != SQLITE_OK) {
    auto problem = sqlite_error(db, "cannot commit");
    sqlite3_exec(db, "ROLLBACK;", nullptr, nullptr, nullptr);
    return failure(std::move(problem));
  }
  return {};
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
  if (!remove) return failure(sqlite_error(db, "cannot prepare a delete"));
  sqlite3_exec(db, "BEGIN;", nullptr, nullptr, nullptr);
  for (const auto& domain : gone) {
    sqlite3_reset(remove.get());
    sqlite3_bind_text(remove.get(), 1, domain.data(), static_cast<int>(domain.size()),
                      SQLITE_STATIC);
    if (sqlite3_step(remove.get()) != SQLITE_DONE) {
      auto problem = sqlite_error(db, "cannot forget " + domain);
      sqlite3_exec(db, "ROLLBACK;", nullptr, nullptr, nullptr);
      return failure(std::move(problem));
    }
  }
  if (sqlite3_exec(db, "COMMIT;", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return failure(sqlite_error(db, "cannot commit"));
  }
  return {};
}

}  // namespace mtasts::state
