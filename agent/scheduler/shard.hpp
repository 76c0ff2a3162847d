/// @file
/// @brief Which replica owns which domain (README, "`serve`": Sharding): a stable hash of the
/// domain into `total` shards, so every domain has exactly one owner, and a change of `total` moves
/// as few domains as possible (jump consistent hash, Lamping and Veach 2014).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mtasts::scheduler {

/// FNV-1a (64 bit) of the domain in lower case, without a trailing dot: the same value on
/// every platform and in every version, so shards do not move on upgrade.
std::uint64_t stable_hash(std::string_view domain) noexcept;

/// The shard (0 .. total-1) that owns `domain`. `total` must be at least 1.
std::size_t shard_of(std::string_view domain, std::size_t total) noexcept;

/// The ordinal at the end of a StatefulSet pod's host name ("mta-sts-agent-3" → 3), or
/// nullopt when the name does not end in "-<digits>".
std::optional<std::size_t> ordinal_from_hostname(std::string_view hostname) noexcept;

}  // namespace mtasts::scheduler
