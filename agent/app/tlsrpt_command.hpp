/// @file
/// @brief `mta-sts-agent tlsrpt ingest`: TLS-RPT reports (RFC 8460) from files or standard input
/// into the report store under --storage.path, where the daemon picks them up. Made for a mail
/// server's pipe transport, a Sieve or procmail rule, or a cron job over saved messages.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mtasts::app {

/// sysexits(3) codes, as a mail server's pipe transport reads them (Postfix pipe(8)).
inline constexpr int kExitDataError = 65;  ///< EX_DATAERR: an input was not a valid report
inline constexpr int kExitNoInput = 66;    ///< EX_NOINPUT: a file could not be read
inline constexpr int kExitTempFail = 75;   ///< EX_TEMPFAIL: the store is unavailable, retry

struct TlsRptIngestOptions {
  std::string storage_path;
  std::vector<std::string> files;  ///< none, or "-": standard input
};

/// Stores the reports of every input; one line per report or problem on `out`/`err`. Exit:
/// 0 every input stored or already stored, 65 an input was not a valid report (kept aside under
/// tlsrpt-rejected/), 66 a file could not be read, 75 the store could not be written (a mail
/// server retries later), 2 usage.
int tlsrpt_ingest(const TlsRptIngestOptions& options, std::istream& in, std::ostream& out,
                  std::ostream& err);

}  // namespace mtasts::app
