#include "tlsrpt/report_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>

#include "common/sqlite.hpp"

namespace mtasts::tlsrpt {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS reports (
    id           INTEGER PRIMARY KEY,
    organization TEXT NOT NULL,
    report_id    TEXT NOT NULL,
    start_time   INTEGER NOT NULL,  -- the date-range, seconds since the epoch
    end_time     INTEGER NOT NULL,
    received     INTEGER NOT NULL,
    source       TEXT NOT NULL,     -- https, mail, maildir, imap, file
    json         TEXT NOT NULL,     -- the report as it came, decompressed
    UNIQUE (organization, report_id)
  );
  CREATE INDEX IF NOT EXISTS reports_by_end ON reports (end_time);
  CREATE TABLE IF NOT EXISTS report_policies (
    report      INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    domain      TEXT NOT NULL,
    policy_type TEXT NOT NULL,
    successful  INTEGER NOT NULL,
    failed      INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS policies_by_domain ON report_policies (domain, report);
  CREATE INDEX IF NOT EXISTS policies_by_report ON report_policies (report);
  CREATE TABLE IF NOT EXISTS report_failures (
    report       INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    domain       TEXT NOT NULL,
    policy_type  TEXT NOT NULL,
    result_type  TEXT NOT NULL,
    receiving_mx TEXT NOT NULL,
    receiving_ip TEXT NOT NULL,
    sending_ip   TEXT NOT NULL,
    sessions     INTEGER NOT NULL,
    reason       TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS failures_by_report ON report_failures (report);
  CREATE TABLE IF NOT EXISTS cursors (
    name TEXT PRIMARY KEY,  -- who reads: "counted" is the daemon's metrics
    row  INTEGER NOT NULL   -- the last report row it has taken
  );
)sql";

// SQLite integers are signed: a count beyond that is the reporter's nonsense, kept at the top.
sqlite3_int64 as_column(std::uint64_t count) {
  return static_cast<sqlite3_int64>(
      std::min<std::uint64_t>(count, std::numeric_limits<sqlite3_int64>::max()));
}

void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* s, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, column)))
              : std::string();
}

std::uint64_t column_count(sqlite3_stmt* s, int column) {
  return static_cast<std::uint64_t>(std::max<sqlite3_int64>(0, sqlite3_column_int64(s, column)));
}

constexpr const char* kSummaryColumns =
    "SELECT r.id, r.organization, r.report_id, r.start_time, r.end_time, r.received, r.source, "
    "p.domain, p.policy_type, SUM(p.successful), SUM(p.failed) "
    "FROM report_policies p JOIN reports r ON r.id = p.report ";

}  // namespace

struct ReportStore::Handles {
  sqlite::DatabasePtr db;
  sqlite::StatementPtr insert_report;
  sqlite::StatementPtr insert_policy;
  sqlite::StatementPtr insert_failure;
  sqlite::StatementPtr for_domain;
  sqlite::StatementPtr after_row;
  sqlite::StatementPtr failures_of;
  sqlite::StatementPtr last_row;
  sqlite::StatementPtr forget;
  sqlite::StatementPtr latest_ends;
  sqlite::StatementPtr get_cursor;
  sqlite::StatementPtr set_cursor;
};

ReportStore::ReportStore(std::unique_ptr<Handles> handles) : handles_(std::move(handles)) {}
ReportStore::~ReportStore() = default;

Result<std::unique_ptr<ReportStore>> ReportStore::open(const std::string& dir,
                                                       int busy_timeout_ms) {
  const std::string path = dir + "/" + std::string(kReportDatabaseFileName);
  auto db = sqlite::open(path, {.schema = kSchema,
                                .schema_version = kSchemaVersion,
                                .busy_timeout_ms = busy_timeout_ms,
                                .cache_kib = 1024});
  if (!db) return failure(std::move(db.error()));
  auto handles = std::make_unique<Handles>();
  handles->db = std::move(*db);
  sqlite3* raw = handles->db.get();
  handles->insert_report = sqlite::prepare(
      raw,
      "INSERT INTO reports (organization, report_id, start_time, end_time, received, source, "
      "json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (organization, report_id) DO "
      "NOTHING;");
  handles->insert_policy = sqlite::prepare(
      raw,
      "INSERT INTO report_policies (report, domain, policy_type, successful, failed) VALUES (?1, "
      "?2, ?3, ?4, ?5);");
  handles->insert_failure = sqlite::prepare(
      raw,
      "INSERT INTO report_failures (report, domain, policy_type, result_type, receiving_mx, "
      "receiving_ip, sending_ip, sessions, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9);");
  handles->for_domain = sqlite::prepare(
      raw, fmt::format("{} WHERE p.domain = ?1 AND r.end_time >= ?2 GROUP BY r.id, p.domain, "
                       "p.policy_type ORDER BY r.end_time DESC, r.id DESC;",
                       kSummaryColumns)
               .c_str());
  handles->after_row = sqlite::prepare(
      raw, fmt::format("{} WHERE r.id > ?1 AND r.id IN (SELECT id FROM reports WHERE id > ?1 "
                       "ORDER BY id LIMIT ?2) GROUP BY r.id, p.domain, p.policy_type ORDER BY "
                       "r.id;",
                       kSummaryColumns)
               .c_str());
  handles->failures_of = sqlite::prepare(
      raw,
      "SELECT result_type, receiving_mx, SUM(sessions) FROM report_failures WHERE report = ?1 "
      "AND domain = ?2 AND policy_type = ?3 GROUP BY result_type, receiving_mx ORDER BY "
      "SUM(sessions) DESC, result_type, receiving_mx;");
  handles->last_row = sqlite::prepare(raw, "SELECT COALESCE(MAX(id), 0) FROM reports;");
  handles->forget = sqlite::prepare(raw, "DELETE FROM reports WHERE end_time < ?1;");
  handles->latest_ends = sqlite::prepare(
      raw,
      "SELECT p.domain, MAX(r.end_time) FROM report_policies p JOIN reports r ON r.id = "
      "p.report GROUP BY p.domain;");
  handles->get_cursor = sqlite::prepare(raw, "SELECT row FROM cursors WHERE name = ?1;");
  handles->set_cursor = sqlite::prepare(
      raw,
      "INSERT INTO cursors (name, row) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET row = ?2;");
  for (const auto* statement : {&handles->insert_report, &handles->insert_policy,
                                &handles->insert_failure, &handles->for_domain, &handles->after_row,
                                &handles->failures_of, &handles->last_row, &handles->forget}) {
    if (!*statement) {
      return failure(sqlite::error(raw, "cannot prepare the report store's statements"));
    }
  }
  return std::unique_ptr<ReportStore>(new ReportStore(std::move(handles)));
}

Result<ReportStore::Added> ReportStore::add(const Report& report, std::string_view json,
                                            std::string_view source, std::time_t received) {
  sqlite3* db = handles_->db.get();
  auto transaction = sqlite::Transaction::begin(db);
  if (!transaction) return failure(std::move(transaction.error()));

  sqlite3_stmt* s = handles_->insert_report.get();
  sqlite3_reset(s);
  bind_text(s, 1, report.organization);
  bind_text(s, 2, report.report_id);
  sqlite3_bind_int64(s, 3, report.start);
  sqlite3_bind_int64(s, 4, report.end);
  sqlite3_bind_int64(s, 5, received);
  bind_text(s, 6, source);
  bind_text(s, 7, json);
  if (sqlite3_step(s) != SQLITE_DONE) return failure(sqlite::error(db, "cannot store the report"));
  sqlite3_reset(s);
  if (sqlite3_changes(db) == 0) return Added::duplicate;  // the transaction rolls back: nothing
  const sqlite3_int64 row = sqlite3_last_insert_rowid(db);

  for (const auto& policy : report.policies) {
    const std::string_view type = to_string(policy.type);
    sqlite3_stmt* p = handles_->insert_policy.get();
    sqlite3_reset(p);
    sqlite3_bind_int64(p, 1, row);
    bind_text(p, 2, policy.domain);
    bind_text(p, 3, type);
    sqlite3_bind_int64(p, 4, as_column(policy.successful_sessions));
    sqlite3_bind_int64(p, 5, as_column(policy.failed_sessions));
    if (sqlite3_step(p) != SQLITE_DONE) {
      return failure(sqlite::error(db, "cannot store the report's policies"));
    }
    for (const auto& detail : policy.failures) {
      sqlite3_stmt* f = handles_->insert_failure.get();
      sqlite3_reset(f);
      sqlite3_bind_int64(f, 1, row);
      bind_text(f, 2, policy.domain);
      bind_text(f, 3, type);
      bind_text(f, 4, detail.result_type_text);
      bind_text(f, 5, detail.receiving_mx_hostname);
      bind_text(f, 6, detail.receiving_ip);
      bind_text(f, 7, detail.sending_mta_ip);
      sqlite3_bind_int64(f, 8, as_column(detail.failed_session_count));
      bind_text(f, 9, detail.failure_reason_code);
      if (sqlite3_step(f) != SQLITE_DONE) {
        return failure(sqlite::error(db, "cannot store the report's failure details"));
      }
    }
  }
  if (auto committed = transaction->commit(); !committed) return failure(committed.error());
  return Added::stored;
}

Result<std::vector<ReportSummary>> ReportStore::summaries(sqlite3_stmt* rows) {
  std::vector<ReportSummary> out;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
    ReportSummary summary;
    summary.row = sqlite3_column_int64(rows, 0);
    summary.organization = column_text(rows, 1);
    summary.report_id = column_text(rows, 2);
    summary.start = static_cast<std::time_t>(sqlite3_column_int64(rows, 3));
    summary.end = static_cast<std::time_t>(sqlite3_column_int64(rows, 4));
    summary.received = static_cast<std::time_t>(sqlite3_column_int64(rows, 5));
    summary.source = column_text(rows, 6);
    summary.domain = column_text(rows, 7);
    summary.policy_type = column_text(rows, 8);
    summary.successful = column_count(rows, 9);
    summary.failed = column_count(rows, 10);
    out.push_back(std::move(summary));
  }
  sqlite3_reset(rows);
  if (rc != SQLITE_DONE) {
    return failure(sqlite::error(handles_->db.get(), "cannot read the stored reports"));
  }
  sqlite3_stmt* f = handles_->failures_of.get();
  for (auto& summary : out) {
    if (summary.failed == 0) continue;
    sqlite3_reset(f);
    sqlite3_bind_int64(f, 1, summary.row);
    bind_text(f, 2, summary.domain);
    bind_text(f, 3, summary.policy_type);
    while ((rc = sqlite3_step(f)) == SQLITE_ROW) {
      summary.failures.push_back({column_text(f, 0), column_text(f, 1), column_count(f, 2)});
    }
    sqlite3_reset(f);
    if (rc != SQLITE_DONE) {
      return failure(sqlite::error(handles_->db.get(), "cannot read the stored failures"));
    }
  }
  return out;
}

Result<std::vector<ReportSummary>> ReportStore::reports_for(std::string_view domain,
                                                            std::time_t since) {
  sqlite3_stmt* s = handles_->for_domain.get();
  sqlite3_reset(s);
  bind_text(s, 1, domain);
  sqlite3_bind_int64(s, 2, since);
  return summaries(s);
}

Result<std::vector<ReportSummary>> ReportStore::added_after(std::int64_t after, std::size_t limit) {
  sqlite3_stmt* s = handles_->after_row.get();
  sqlite3_reset(s);
  sqlite3_bind_int64(s, 1, after);
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(limit));
  return summaries(s);
}

Result<std::map<std::string, std::time_t>> ReportStore::latest_ends() {
  std::map<std::string, std::time_t> out;
  sqlite3_stmt* s = handles_->latest_ends.get();
  sqlite3_reset(s);
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    out[column_text(s, 0)] = static_cast<std::time_t>(sqlite3_column_int64(s, 1));
  }
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) {
    return failure(sqlite::error(handles_->db.get(), "cannot read the stored reports"));
  }
  return out;
}

Result<std::int64_t> ReportStore::last_row() {
  sqlite3_stmt* s = handles_->last_row.get();
  sqlite3_reset(s);
  if (sqlite3_step(s) != SQLITE_ROW) {
    return failure(sqlite::error(handles_->db.get(), "cannot read the report store"));
  }
  const std::int64_t row = sqlite3_column_int64(s, 0);
  sqlite3_reset(s);
  return row;
}

Result<std::int64_t> ReportStore::cursor(std::string_view name) {
  sqlite3_stmt* s = handles_->get_cursor.get();
  sqlite3_reset(s);
  bind_text(s, 1, name);
  const int rc = sqlite3_step(s);
  const std::int64_t row = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
  sqlite3_reset(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return failure(sqlite::error(handles_->db.get(), "cannot read the report cursor"));
  }
  return row;
}

Result<void> ReportStore::set_cursor(std::string_view name, std::int64_t row) {
  sqlite3_stmt* s = handles_->set_cursor.get();
  sqlite3_reset(s);
  bind_text(s, 1, name);
  sqlite3_bind_int64(s, 2, row);
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) {
    return failure(sqlite::error(handles_->db.get(), "cannot write the report cursor"));
  }
  return {};
}

Result<std::size_t> ReportStore::forget_ended_before(std::time_t cutoff) {
  sqlite3_stmt* s = handles_->forget.get();
  sqlite3_reset(s);
  sqlite3_bind_int64(s, 1, cutoff);
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) {
    return failure(sqlite::error(handles_->db.get(), "cannot delete old reports"));
  }
  return static_cast<std::size_t>(sqlite3_changes(handles_->db.get()));
}

Result<std::string> keep_rejected(const std::string& dir, std::string_view bytes,
                                  std::string_view reason, std::string_view source,
                                  std::time_t now) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(dir) / kRejectedDirName;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return failure(fmt::format("cannot create {}: {}", folder.string(), ec.message()));

  static std::mt19937_64 random{std::random_device{}()};
  const fs::path path = folder / fmt::format("{}-{:016x}.{}", now, random(), source);
  const auto write_new = [](const fs::path& file, std::string_view content) -> Result<void> {
    // O_EXCL|O_NOFOLLOW: never through a link someone placed, never over another file.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
      return failure(fmt::format("cannot create {}: {}", file.string(), std::strerror(errno)));
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int saved = errno;
        ::close(fd);
        return failure(fmt::format("cannot write {}: {}", file.string(), std::strerror(saved)));
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return {};
  };
  if (auto written = write_new(path, bytes); !written) return failure(written.error());
  if (auto written = write_new(path.string() + ".reason", fmt::format("{}\n", reason)); !written) {
    return failure(written.error());
  }

  // The newest kRejectedKept inputs stay; names begin with the time, so the oldest sort first.
  std::vector<fs::path> kept;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.path().extension() != ".reason") kept.push_back(entry.path());
  }
  if (kept.size() > kRejectedKept) {
    std::sort(kept.begin(), kept.end());
    for (std::size_t i = 0; i + kRejectedKept < kept.size(); ++i) {
      fs::remove(kept[i], ec);
      fs::remove(kept[i].string() + ".reason", ec);
    }
  }
  return path.string();
}

}  // namespace mtasts::tlsrpt
