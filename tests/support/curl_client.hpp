// The sender's side for the lab tests, with libcurl: a message mailed over SMTP with STARTTLS
// required, and an HTTPS request, each verifying the server's certificate against a CA file
// and reaching a lab name through a fixed address (`resolve`, as curl's --resolve).
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace mtasts::support {

struct CurlTarget {
  std::string url;
  std::string resolve;  ///< "host:port:address"
  std::string ca_file;
};

struct CurlResult {
  bool ok = false;
  long status = 0;  ///< the last SMTP reply code or the HTTP status
  std::string body;
  std::string error;
};

namespace detail {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using List = std::unique_ptr<curl_slist, ListDeleter>;

inline List make_list(const std::vector<std::string>& items) {
  curl_slist* list = nullptr;
  for (const auto& item : items) list = curl_slist_append(list, item.c_str());
  return List(list);
}

struct Upload {
  const std::string* data;
  std::size_t at = 0;
};

inline std::size_t read_upload(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t count = std::min(size * n, upload->data->size() - upload->at);
  upload->data->copy(buffer, count, upload->at);
  upload->at += count;
  return count;
}

inline std::size_t write_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

/// Runs `easy` with the target's URL, address and CA; the result with its status.
inline CurlResult perform(CURL* easy, const CurlTarget& target, curl_slist* resolve) {
  CurlResult result;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(easy, CURLOPT_RESOLVE, resolve);
  curl_easy_setopt(easy, CURLOPT_CAINFO, target.ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &result.body);
  const CURLcode code = curl_easy_perform(easy);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result.status);
  result.ok = code == CURLE_OK;
  if (!result.ok) result.error = error[0] != '\0' ? error : curl_easy_strerror(code);
  return result;
}

}  // namespace detail

/// Mails `message` from `from` to `to` through the SMTP server of `target` (smtp://host:port),
/// with STARTTLS required, as an MTA-STS sender does.
inline CurlResult smtp_send(const CurlTarget& target, const std::string& from,
                            const std::string& to, const std::string& message) {
  detail::Easy easy(curl_easy_init());
  const auto resolve = detail::make_list({target.resolve});
  const auto recipients = detail::make_list({"<" + to + ">"});
  detail::Upload upload{&message};
  const std::string sender = "<" + from + ">";
  curl_easy_setopt(easy.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(easy.get(), CURLOPT_MAIL_FROM, sender.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(easy.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_READFUNCTION, detail::read_upload);
  curl_easy_setopt(easy.get(), CURLOPT_READDATA, &upload);
  return detail::perform(easy.get(), target, resolve.get());
}

/// An HTTPS request: a GET, or a POST of `body` when it is given.
inline CurlResult https_request(const CurlTarget& target,
                                const std::vector<std::string>& headers = {},
                                const std::string* body = nullptr) {
  detail::Easy easy(curl_easy_init());
  const auto resolve = detail::make_list({target.resolve});
  const auto header_list = detail::make_list(headers);
  curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, header_list.get());
  if (body != nullptr) {
    curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body->size()));
  }
  return detail::perform(easy.get(), target, resolve.get());
}

}  // namespace mtasts::support
