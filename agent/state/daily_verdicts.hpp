/// @file
/// @brief The worst verdict of each of a domain's last 30 UTC days, for the status page's
/// strip: a few dozen bytes per domain however often it is checked, kept in the state
/// database so that a restart does not blank the month.
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "probe/domain_report.hpp"

namespace mtasts::state {

class DailyVerdicts {
 public:
  static constexpr int kDays = 30;

  /// A check that started at `at` ended with `verdict`: its day keeps the worse of the two
  /// (fail, then unknown, then warning, then ok). Days older than the window are dropped.
  void add(std::time_t at, probe::Verdict verdict);

  /// The worst verdict of the UTC day that contains `at`; none when no check ran that day
  /// (or it is outside the window).
  std::optional<probe::Verdict> on(std::time_t at) const;

  /// "20423:fwo....": the newest day's number, then a letter per day from the newest back
  /// (f fail, u unknown, w warning, o ok, . no check). The state database keeps this.
  std::string encode() const;
  static Result<DailyVerdicts> decode(std::string_view text);

  friend bool operator==(const DailyVerdicts&, const DailyVerdicts&) = default;

 private:
  std::int32_t last_day_ = 0;  ///< days since the epoch of worst_[0]
  /// worst_[i]: the day last_day_ - i; 0 no check, then ok, warning, unknown, fail.
  std::array<std::uint8_t, kDays> worst_{};
};

}  // namespace mtasts::state
