#include "scheduler/shard.hpp"

#include "mtasts/text.hpp"

namespace mtasts::scheduler {
namespace {

// Jump consistent hash: maps a key to one of `buckets` so that growing from n to n+1
// buckets moves only 1/(n+1) of the keys (arXiv:1406.2294).
std::int32_t jump_consistent_hash(std::uint64_t key, std::int32_t buckets) noexcept {
  std::int64_t b = -1;
  std::int64_t j = 0;
  while (j < buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = static_cast<std::int64_t>(
        static_cast<double>(b + 1) *
        (static_cast<double>(1LL << 31) / static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<std::int32_t>(b);
}

}  // namespace

std::uint64_t stable_hash(std::string_view domain) noexcept {
  if (domain.ends_with('.')) domain.remove_suffix(1);
  std::uint64_t hash = 14695981039346656037ULL;  // FNV offset basis
  for (char c : domain) {
    hash ^= static_cast<unsigned char>(ascii_lower(c));
    hash *= 1099511628211ULL;  // FNV prime
  }
  return hash;
}

std::size_t shard_of(std::string_view domain, std::size_t total) noexcept {
  if (total <= 1) return 0;
  const auto buckets = static_cast<std::int32_t>(total > 0x7fffffff ? 0x7fffffff : total);
  return static_cast<std::size_t>(jump_consistent_hash(stable_hash(domain), buckets));
}

std::optional<std::size_t> ordinal_from_hostname(std::string_view hostname) noexcept {
  const auto dot = hostname.find('.');
  if (dot != std::string_view::npos) hostname = hostname.substr(0, dot);  // short name
  const auto dash = hostname.rfind('-');
  if (dash == std::string_view::npos || dash + 1 == hostname.size()) return std::nullopt;
  std::size_t value = 0;
  for (char c : hostname.substr(dash + 1)) {
    if (!is_digit(c) || value > 100000000) return std::nullopt;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

}  // namespace mtasts::scheduler
