// A blocking HTTP/1.1 client for tests: one request per connection, a timeout on every
// socket operation, the answer parsed by the agent's own response parser.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "net/http_response.hpp"

namespace mtasts::support {

/// An Authorization header's value for `user_password` ("user:password"): "Basic <base64>".
inline std::string basic_authorization(const std::string& user_password) {
  std::string out(4 * ((user_password.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(user_password.data()),
                                static_cast<int>(user_password.size()));
  out.resize(static_cast<std::size_t>(n));
  return "Basic " + out;
}

struct HttpResult {
  bool ok = false;  ///< connected and got a complete answer
  net::HttpResponse response;
};

inline HttpResult http_request(const std::string& ip, std::uint16_t port, const std::string& method,
                               const std::string& target,
                               const std::vector<std::string>& headers = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds(10),
                               const std::string& body = {}) {
  HttpResult result;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return result;
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return result;
  }
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: " + ip + "\r\n";
  for (const auto& h : headers) request += h + "\r\n";
  if (method == "POST") request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "Connection: close\r\n\r\n" + body;
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  net::HttpLimits limits;
  limits.max_body_bytes = 256 * 1024 * 1024;
  net::HttpResponseParser parser(limits);
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      parser.finish();
      break;
    }
    if (parser.feed(std::string_view(buffer, static_cast<std::size_t>(n)))) break;
  }
  ::close(fd);
  result.ok = parser.done() && parser.error() == net::HttpError::none;
  result.response = parser.response();
  return result;
}

/// The value of the first sample whose line starts with `series` followed by a space, e.g.
/// `mtasts_domain_verdict{domain="good.test",verdict="ok"}`.
inline std::optional<double> metric_value(const std::string& exposition,
                                          const std::string& series) {
  const std::string needle = series + " ";
  for (std::size_t at = 0; (at = exposition.find(needle, at)) != std::string::npos; ++at) {
    if (at != 0 && exposition[at - 1] != '\n') continue;
    return std::stod(exposition.substr(at + needle.size()));
  }
  return std::nullopt;
}

}  // namespace mtasts::support
