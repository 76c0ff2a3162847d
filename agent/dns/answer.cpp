#include "dns/answer.hpp"

#include <ares.h>
#include <arpa/nameser.h>
#include <strings.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>

#include "dns/dns_error.hpp"

namespace mtasts::dns {
namespace {

// c-ares wants an int length; DNS messages are at most 65535 bytes anyway.
int length_of(Answer answer) {
  return answer.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())
             ? std::numeric_limits<int>::max()
             : static_cast<int>(answer.size());
}

struct AresDataDeleter {
  void operator()(void* data) const noexcept { ares_free_data(data); }
};
struct AresStringDeleter {
  void operator()(char* s) const noexcept { ares_free_string(s); }
};
using AresString = std::unique_ptr<char, AresStringDeleter>;

std::uint16_t read_u16(const unsigned char* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

/// Expands the (possibly compressed) name at `at`; advances `at` past it.
std::error_code expand_name(Answer answer, const unsigned char*& at, std::string& name) {
  char* raw = nullptr;
  long consumed = 0;
  const int status = ares_expand_name(at, answer.data(), length_of(answer), &raw, &consumed);
  AresString owned(raw);
  if (status != ARES_SUCCESS) return make_ares_error(status);
  name = raw;
  at += consumed;
  return {};
}

}  // namespace

std::error_code parse_txt(Answer answer, std::vector<std::string>& records) {
  ares_txt_ext* head = nullptr;
  const int status = ares_parse_txt_reply_ext(answer.data(), length_of(answer), &head);
  std::unique_ptr<void, AresDataDeleter> owned(head);
  if (status != ARES_SUCCESS) return make_ares_error(status);
  for (const ares_txt_ext* s = head; s != nullptr; s = s->next) {
    const std::string_view text(reinterpret_cast<const char*>(s->txt), s->length);
    if (s->record_start || records.empty()) {
      records.emplace_back(text);
    } else {
      records.back() += text;
    }
  }
  return {};
}

std::error_code parse_mx(Answer answer, std::vector<MxRecord>& records) {
  ares_mx_reply* head = nullptr;
  const int status = ares_parse_mx_reply(answer.data(), length_of(answer), &head);
  std::unique_ptr<void, AresDataDeleter> owned(head);
  if (status != ARES_SUCCESS) return make_ares_error(status);
  for (const ares_mx_reply* mx = head; mx != nullptr; mx = mx->next) {
    std::string host = mx->host != nullptr ? mx->host : "";
    if (host == ".") host.clear();
    records.push_back({mx->priority, std::move(host)});
  }
  return {};
}

std::error_code parse_addresses(Answer answer, bool ipv6, std::vector<asio::ip::address>& out) {
  constexpr int kMaxAddresses = 64;  // more than any real answer; extra records are dropped
  int count = kMaxAddresses;
  if (ipv6) {
    ares_addr6ttl found[kMaxAddresses];
    const int status =
        ares_parse_aaaa_reply(answer.data(), length_of(answer), nullptr, found, &count);
    if (status != ARES_SUCCESS) return make_ares_error(status);
    for (int i = 0; i < count; ++i) {
      asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), &found[i].ip6addr, bytes.size());
      out.emplace_back(asio::ip::address_v6(bytes));
    }
  } else {
    ares_addrttl found[kMaxAddresses];
    const int status = ares_parse_a_reply(answer.data(), length_of(answer), nullptr, found, &count);
    if (status != ARES_SUCCESS) return make_ares_error(status);
    for (int i = 0; i < count; ++i) {
      asio::ip::address_v4::bytes_type bytes;
      std::memcpy(bytes.data(), &found[i].ipaddr, bytes.size());
      out.emplace_back(asio::ip::address_v4(bytes));
    }
  }
  return {};
}

namespace {

/// Calls `each(owner, type, rdata)` for every answer-section record; an error for a
/// truncated or malformed message.
template <class Each>
std::error_code walk_answers(Answer answer, Each each) {
  constexpr std::size_t kHeader = 12;
  constexpr std::size_t kFixed = 10;  // type, class, ttl, rdlength
  if (answer.size() < kHeader) return make_ares_error(ARES_EBADRESP);
  const unsigned char* const end = answer.data() + answer.size();
  const unsigned qdcount = read_u16(answer.data() + 4);
  const unsigned ancount = read_u16(answer.data() + 6);
  const unsigned char* at = answer.data() + kHeader;
  std::string name;
  for (unsigned i = 0; i < qdcount; ++i) {
    if (auto ec = expand_name(answer, at, name)) return ec;
    if (end - at < 4) return make_ares_error(ARES_EBADRESP);
    at += 4;  // qtype, qclass
  }
  for (unsigned i = 0; i < ancount; ++i) {
    if (auto ec = expand_name(answer, at, name)) return ec;
    if (static_cast<std::size_t>(end - at) < kFixed) return make_ares_error(ARES_EBADRESP);
    const std::uint16_t type = read_u16(at);
    const std::uint16_t rdlength = read_u16(at + 8);
    at += kFixed;
    if (static_cast<std::size_t>(end - at) < rdlength) return make_ares_error(ARES_EBADRESP);
    if (auto ec = each(name, type, at, rdlength)) return ec;
    at += rdlength;
  }
  return {};
}

}  // namespace

std::error_code parse_cnames(Answer answer,
                             std::vector<std::pair<std::string, std::string>>& cnames) {
  return walk_answers(answer,
                      [&](const std::string& owner, std::uint16_t type, const unsigned char* rdata,
                          std::uint16_t) -> std::error_code {
                        if (type != ns_t_cname) return {};
                        std::string target;
                        if (auto ec = expand_name(answer, rdata, target)) return ec;
                        cnames.emplace_back(owner, std::move(target));
                        return {};
                      });
}

std::error_code parse_rdata(Answer answer, int type, std::vector<std::vector<unsigned char>>& out,
                            std::size_t max_records) {
  return walk_answers(answer,
                      [&](const std::string&, std::uint16_t record_type, const unsigned char* rdata,
                          std::uint16_t length) -> std::error_code {
                        if (record_type == type && out.size() < max_records)
                          out.emplace_back(rdata, rdata + length);
                        return {};
                      });
}

int answer_rcode(Answer answer) {
  return answer.size() < 12 ? -1 : answer[3] & 0x0F;
}

bool answer_authenticated(Answer answer) {
  return answer.size() >= 12 && (answer[3] & 0x20) != 0;
}

bool answers_question(Answer answer, std::string_view name, int type) {
  constexpr std::size_t kHeader = 12;
  if (answer.size() < kHeader || read_u16(answer.data() + 4) != 1) return false;
  const unsigned char* at = answer.data() + kHeader;
  std::string asked;
  if (expand_name(answer, at, asked)) return false;
  if (answer.data() + answer.size() - at < 4) return false;
  if (read_u16(at) != type || read_u16(at + 2) != ns_c_in) return false;
  if (name.ends_with('.')) name.remove_suffix(1);
  return asked.size() == name.size() && strncasecmp(asked.data(), name.data(), name.size()) == 0;
}

std::string follow_cnames(std::string_view name,
                          std::vector<std::pair<std::string, std::string>> cnames,
                          std::vector<std::string>& chain, std::size_t max_chain) {
  std::string next;
  std::string current(name);
  while (chain.size() <= max_chain) {
    auto it = std::find_if(cnames.begin(), cnames.end(), [&](const auto& c) {
      return strcasecmp(c.first.c_str(), current.c_str()) == 0;
    });
    if (it == cnames.end()) break;
    next = it->second;
    chain.push_back(next);
    current = next;
    cnames.erase(it);  // each record once: a loop inside one answer ends here
  }
  return next;
}

}  // namespace mtasts::dns
