#include "common/sqlite.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>

namespace mtasts::sqlite {

std::string error(sqlite3* db, std::string_view what) {
  return fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : "out of memory");
}

Result<DatabasePtr> open(const std::string& path, const OpenOptions& options) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, nullptr);
  DatabasePtr db(raw);
  if (rc != SQLITE_OK) return failure(error(db.get(), "cannot open " + path));
  sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);
  // WAL: a write is one append, readers never block it; NORMAL: a committed write survives a
  // crash of the agent (not necessarily of the machine's power), at a fraction of FULL's fsyncs.
  char* message = nullptr;
  const std::string setup = fmt::format(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
      "PRAGMA cache_size=-{}; {} PRAGMA user_version;",
      options.cache_kib, options.schema);
  if (sqlite3_exec(db.get(), setup.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string problem = message ? message : "unknown error";
    sqlite3_free(message);
    return failure(fmt::format("{} is not a usable database: {}", path, problem));
  }
  sqlite3_stmt* raw_check = nullptr;
  if (sqlite3_prepare_v2(db.get(), "PRAGMA quick_check;", -1, &raw_check, nullptr) != SQLITE_OK) {
    return failure(error(db.get(), path + " cannot be checked"));
  }
  StatementPtr check(raw_check);
  if (sqlite3_step(check.get()) != SQLITE_ROW ||
      std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(check.get(), 0))) !=
          "ok") {
    return failure(fmt::format("{} failed its integrity check", path));
  }
  check.reset();
  sqlite3_exec(db.get(), fmt::format("PRAGMA user_version={};", options.schema_version).c_str(),
               nullptr, nullptr, nullptr);
  return db;
}

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

Result<Transaction> Transaction::begin(sqlite3* db) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE;", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return failure(error(db, "cannot begin a transaction"));
  }
  return Transaction(db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
}

Result<void> Transaction::commit() {
  if (sqlite3_exec(db_, "COMMIT;", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return failure(error(db_, "cannot commit"));
  }
  db_ = nullptr;
  return {};
}

}  // namespace mtasts::sqlite
