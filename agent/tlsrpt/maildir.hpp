/// @file
/// @brief The Maildir way in for TLS-RPT reports: a mailbox that the mail server delivers the
/// `rua=mailto:` address to (Dovecot's LDA, Postfix's virtual or local delivery with a trailing
/// slash, procmail), which the daemon reads. Each message in new/ is taken and moved to cur/ as
/// seen, as a mail client would; a message the store could not take stays in new/ for the next
/// pass.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "tlsrpt/ingest.hpp"
#include "tlsrpt/report_store.hpp"

namespace mtasts::tlsrpt {

/// Whether `dir` is a Maildir: new/ and cur/ directories in it.
Result<void> validate_maildir(const std::string& dir);

struct MaildirMessage {
  std::string name;  ///< the file name in new/
  IngestResult result;
};

/// Takes at most `limit` messages from DIR/new, oldest name first (Maildir names begin with
/// the delivery time): each is ingested (source "maildir") and moved to cur/ with the seen flag,
/// unless the store could not be written.
std::vector<MaildirMessage> take_maildir(ReportStore& store, const std::string& storage_dir,
                                         const std::string& maildir, std::size_t limit,
                                         std::time_t now, const DomainFilter& accept = {},
                                         const InputLimits& limits = {});

}  // namespace mtasts::tlsrpt
