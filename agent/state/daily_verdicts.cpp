#include "state/daily_verdicts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace mtasts::state {
namespace {

constexpr std::string_view kLetters = ".owuf";  // by rank: none, ok, warning, unknown, fail

std::uint8_t rank_of(probe::Verdict verdict) {
  switch (verdict) {
    case probe::Verdict::ok: return 1;
    case probe::Verdict::warning: return 2;
    case probe::Verdict::unknown: return 3;
    case probe::Verdict::fail: return 4;
  }
  return 3;
}

probe::Verdict verdict_of_rank(std::uint8_t rank) {
  switch (rank) {
    case 1: return probe::Verdict::ok;
    case 2: return probe::Verdict::warning;
    case 4: return probe::Verdict::fail;
    default: return probe::Verdict::unknown;
  }
}

std::int64_t day_of(std::time_t at) {
  return at >= 0 ? at / 86400 : (at - 86399) / 86400;
}

}  // namespace

void DailyVerdicts::add(std::time_t at, probe::Verdict verdict) {
  const std::int64_t day = day_of(at);
  if (day > last_day_) {
    const std::int64_t shift = day - last_day_;
    if (shift >= kDays) {
      worst_.fill(0);
    } else {
      std::copy_backward(worst_.begin(), worst_.end() - shift, worst_.end());
      std::fill(worst_.begin(), worst_.begin() + shift, 0);
    }
    last_day_ = static_cast<std::int32_t>(day);
  }
  const std::int64_t back = last_day_ - day;
  if (back >= kDays) return;
  auto& slot = worst_[static_cast<std::size_t>(back)];
  slot = std::max(slot, rank_of(verdict));
}

std::optional<probe::Verdict> DailyVerdicts::on(std::time_t at) const {
  const std::int64_t back = last_day_ - day_of(at);
  if (back < 0 || back >= kDays) return std::nullopt;
  const auto rank = worst_[static_cast<std::size_t>(back)];
  if (rank == 0) return std::nullopt;
  return verdict_of_rank(rank);
}

std::string DailyVerdicts::encode() const {
  std::string out = fmt::format("{}:", last_day_);
  for (const auto rank : worst_) out += kLetters[rank];
  return out;
}

Result<DailyVerdicts> DailyVerdicts::decode(std::string_view text) {
  const auto colon = text.find(':');
  DailyVerdicts out;
  if (colon == std::string_view::npos || text.size() != colon + 1 + kDays) {
    return failure("daily verdicts: not DAY:" + std::string(kDays, '.'));
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + colon, out.last_day_);
  if (ec != std::errc() || end != text.data() + colon || out.last_day_ < 0) {
    return failure("daily verdicts: the day is not a number");
  }
  for (std::size_t i = 0; i < kDays; ++i) {
    const auto rank = kLetters.find(text[colon + 1 + i]);
    if (rank == std::string_view::npos) return failure("daily verdicts: an unknown letter");
    out.worst_[i] = static_cast<std::uint8_t>(rank);
  }
  return out;
}

}  // namespace mtasts::state
