/// @file
/// @brief The agent's state under --storage.path, in SQLite (WAL mode): per domain, its latest
/// report and what change detection remembers. The daemon writes the checks that ended in the
/// last second in one transaction (and the rest at shutdown), so a `kill -9` loses at most
/// that second's checks and those in flight; read at start, so a restarted agent serves every
/// domain's latest report at once instead of an empty /metrics that resolves every alert.
///
/// One agent per directory: a lock file (flock) keeps a second one out with a clear error. A
/// database that cannot be read is moved aside (state.db.corrupt-<time>) and a fresh one
/// started: a bad file never keeps the agent down. An older agent's state.json is imported
/// once.
#pragma once

#include <sqlite3.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "probe/domain_report.hpp"
#include "probe/policy_change.hpp"
#include "state/daily_verdicts.hpp"

namespace mtasts::state {

inline constexpr std::string_view kDatabaseFileName = "state.db";
inline constexpr std::string_view kLockFileName = "lock";

/// What was stored for one domain; either part may be missing (never checked, or a report of
/// another format).
struct StoredDomain {
  std::optional<probe::PolicyHistory> history;
  std::optional<probe::DomainReport> report;
  std::optional<DailyVerdicts> days;
};

class StateDatabase {
 public:
  /// Takes the directory's lock, opens (or creates) the database and imports state.json when
  /// the database is new. Fails only when the lock is held by another agent or the directory
  /// cannot hold a database at all; `notices` gets what was repaired on the way (a corrupt
  /// database moved aside, a state.json imported, rows that could not be read).
  static Result<std::unique_ptr<StateDatabase>> open(const std::string& dir,
                                                     std::vector<std::string>& notices);

  ~StateDatabase();
  StateDatabase(const StateDatabase&) = delete;
  StateDatabase& operator=(const StateDatabase&) = delete;

  /// Every domain stored. Rows that cannot be read are skipped and named in `notices`.
  std::map<std::string, StoredDomain> load(std::vector<std::string>& notices);

  /// One domain's latest report and what change detection remembers of it.
  struct Row {
    const probe::DomainReport* report;
    const probe::PolicyHistory* history;  ///< null: none yet
    const DailyVerdicts* days = nullptr;  ///< null: none yet
  };
  /// Stores the rows in one transaction: all or none.
  Result<void> save(const std::vector<Row>& rows);

  /// Deletes the domains not in `keep` (no longer configured, or another shard's now).
  Result<void> forget_all_but(const std::set<std::string>& keep);

 private:
  struct Handles;
  explicit StateDatabase(std::unique_ptr<Handles> handles);
  Result<void> save_row(const std::string& domain, const probe::PolicyHistory* history,
                        const probe::DomainReport* report, const DailyVerdicts* days);
  std::unique_ptr<Handles> handles_;
};

}  // namespace mtasts::state
