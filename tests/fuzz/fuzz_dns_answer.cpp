// libFuzzer target: typed records from raw DNS answers (garbage from the network).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "dns/answer.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const mtasts::dns::Answer answer(data, size);
  std::vector<std::string> txt;
  std::vector<mtasts::dns::MxRecord> mx;
  std::vector<asio::ip::address> v4;
  std::vector<asio::ip::address> v6;
  std::vector<std::pair<std::string, std::string>> cnames;
  const bool txt_ok = !mtasts::dns::parse_txt(answer, txt);
  (void)mtasts::dns::parse_mx(answer, mx);
  (void)mtasts::dns::parse_addresses(answer, false, v4);
  (void)mtasts::dns::parse_addresses(answer, true, v6);
  (void)mtasts::dns::parse_cnames(answer, cnames);
  (void)mtasts::dns::answers_question(answer, "_mta-sts.example.com", 16);
  // The AD-bit mode's reading of a resolver's answer (TLSA, type 52).
  std::vector<std::vector<unsigned char>> rdata;
  (void)mtasts::dns::parse_rdata(answer, 52, rdata, 8);
  MTASTS_FUZZ_CHECK(rdata.size() <= 8);
  for (const auto& r : rdata) MTASTS_FUZZ_CHECK(r.size() <= size);
  const int rcode = mtasts::dns::answer_rcode(answer);
  MTASTS_FUZZ_CHECK(rcode >= -1 && rcode <= 15);
  (void)mtasts::dns::answer_authenticated(answer);
  if (!txt_ok) MTASTS_FUZZ_CHECK(txt.empty());
  for (const auto& a : v4) MTASTS_FUZZ_CHECK(a.is_v4());
  for (const auto& a : v6) MTASTS_FUZZ_CHECK(a.is_v6());
  return 0;
}
