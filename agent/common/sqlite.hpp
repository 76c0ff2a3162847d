/// @file
/// @brief SQLite as the agent uses it (the state database, the TLS-RPT report store): owned
/// handles, a database opened in WAL mode and checked before use, a bad file moved aside, and
/// transactions that roll back unless committed.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace mtasts::sqlite {

struct DatabaseCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using DatabasePtr = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

/// "what: SQLite's message".
std::string error(sqlite3* db, std::string_view what);

struct OpenOptions {
  const char* schema = "";  ///< CREATE ... IF NOT EXISTS statements
  int schema_version = 1;   ///< written to PRAGMA user_version
  /// How long a write waits for another process's lock. The daemon's writes block its event
  /// loop meanwhile, so they keep it short; a command run by a mail server can wait longer.
  int busy_timeout_ms = 200;
  int cache_kib = 256;  ///< page cache: the rows are read back only at start
};

/// Opens (or creates) `path` in WAL mode with synchronous=NORMAL, applies the schema and runs a
/// quick integrity check; says what is wrong with a file that is not a usable database.
Result<DatabasePtr> open(const std::string& path, const OpenOptions& options);

/// Moves a database that cannot be used (and its WAL files) to `<path>.corrupt-<time>`, for a
/// look; the name it has now.
Result<std::string> move_aside(const std::string& path);

/// A persistent prepared statement, or null (read sqlite::error for why).
StatementPtr prepare(sqlite3* db, const char* sql);

/// BEGIN now; ROLLBACK when it goes unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(sqlite3* db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace mtasts::sqlite
