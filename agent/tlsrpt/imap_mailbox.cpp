#include "tlsrpt/imap_mailbox.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <sstream>

namespace mtasts::tlsrpt {
namespace {

struct EasyCleanup {
  void operator()(CURL* curl) const noexcept { curl_easy_cleanup(curl); }
};

/// What a request wrote, bounded: a message larger than the limit is an error, not cut.
struct Sink {
  std::string data;
  std::size_t limit = 0;
  bool overflowed = false;
};

std::size_t write_to_sink(char* bytes, std::size_t size, std::size_t count, void* user) {
  auto& sink = *static_cast<Sink*>(user);
  const std::size_t n = size * count;
  if (sink.data.size() + n > sink.limit) {
    sink.overflowed = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink.data.append(bytes, n);
  return n;
}

/// libcurl asks about once a second, idle or not: a non-zero answer aborts the request.
int abort_when_cancelled(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

/// "imaps://host/INBOX" -> "imaps://host/".
std::string server_of(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? url + "/" : url.substr(0, slash + 1);
}

/// An IMAP quoted string (RFC 3501 §4.3): the folder name as a command argument.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

struct ImapMailbox::Handle {
  std::unique_ptr<CURL, EasyCleanup> curl;
};

Result<void> validate_imap_url(const std::string& url) {
  const bool imaps = url.rfind("imaps://", 0) == 0;
  const bool imap = url.rfind("imap://", 0) == 0;
  if (!imaps && !imap) {
    return failure(fmt::format("'{}' is not an imaps:// or imap:// URL", url));
  }
  const std::string rest = url.substr(imaps ? 8 : 7);
  const auto slash = rest.find('/');
  if (slash == 0 || rest.empty()) return failure(fmt::format("'{}' has no host", url));
  if (slash == std::string::npos || slash + 1 == rest.size()) {
    return failure(fmt::format("'{}' names no mailbox (imaps://host/INBOX)", url));
  }
  if (rest.find('@') != std::string::npos && rest.find('@') < slash) {
    return failure("put the user in --tlsrpt.imap.user and the password in a file, not in the URL");
  }
  return {};
}

ImapMailbox::ImapMailbox(ImapOptions options)
    : options_(std::move(options)), handle_(std::make_unique<Handle>()) {
  static std::once_flag initialized;
  std::call_once(initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

ImapMailbox::~ImapMailbox() = default;

Result<std::string> ImapMailbox::perform(const std::string& url, const std::string& command) {
  if (cancelled_) return failure("cancelled: the agent is stopping");
  if (!handle_->curl) {
    handle_->curl.reset(curl_easy_init());
    if (!handle_->curl) return failure("cannot start libcurl");
  }
  CURL* curl = handle_->curl.get();
  Sink sink{{}, options_.max_message_bytes, false};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_USERNAME, options_.user.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  // imap:// must upgrade with STARTTLS: the password never goes in the clear.
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 20L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_to_sink);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abort_when_cancelled);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &cancelled_);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, command.empty() ? nullptr : command.c_str());
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
  if (sink.overflowed) {
    return failure(fmt::format("the message is larger than {} bytes", options_.max_message_bytes));
  }
  if (rc != CURLE_OK) {
    // A failed connection is not reused: the next request starts afresh.
    handle_->curl.reset();
    return failure(
        fmt::format("IMAP {}: {}", command.empty() ? "fetch" : command, curl_easy_strerror(rc)));
  }
  return std::move(sink.data);
}

Result<std::vector<std::uint64_t>> ImapMailbox::unseen() {
  const auto answer = perform(options_.url, "UID SEARCH UNSEEN");
  if (!answer) return failure(answer.error());
  // "* SEARCH 4 7 9\r\n": the untagged answer, as libcurl passes it on.
  std::vector<std::uint64_t> uids;
  std::istringstream lines(*answer);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("* SEARCH", 0) != 0) continue;
    std::istringstream words(line.substr(8));
    for (std::string word; words >> word;) {
      std::uint64_t uid = 0;
      const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), uid);
      if (ec == std::errc() && end == word.data() + word.size()) uids.push_back(uid);
    }
  }
  std::sort(uids.begin(), uids.end());
  if (uids.size() > options_.max_messages) uids.resize(options_.max_messages);
  return uids;
}

Result<std::string> ImapMailbox::fetch(std::uint64_t uid) {
  // ;UID= is a UID FETCH since libcurl 7.62 (Debian 12 has 7.88).
  std::string url = options_.url;
  if (url.back() != '/') url += '/';
  return perform(fmt::format("{};UID={}", url, uid), "");
}

Result<void> ImapMailbox::file_away(std::uint64_t uid) {
  if (!folder_ready_) {
    // CREATE fails when the folder exists; the MOVE below says whether it is usable.
    (void)perform(server_of(options_.url), "CREATE " + quoted(options_.processed_folder));
    folder_ready_ = true;
  }
  const auto moved =
      perform(options_.url, fmt::format("UID MOVE {} {}", uid, quoted(options_.processed_folder)));
  if (!moved) {
    folder_ready_ = false;
    return failure(moved.error());
  }
  return {};
}

Result<void> ImapMailbox::mark_unseen(std::uint64_t uid) {
  const auto stored = perform(options_.url, fmt::format("UID STORE {} -FLAGS (\\Seen)", uid));
  if (!stored) return failure(stored.error());
  return {};
}

}  // namespace mtasts::tlsrpt
