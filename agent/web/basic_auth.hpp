/// @file
/// @brief Basic auth for the daemon's HTTP server, with bcrypt hashes as in Prometheus'
/// exporter-toolkit. bcrypt is slow on purpose (tens of ms at cost 10), so it never runs on
/// the event loop that the checks share: hashing goes to a worker executor, a bounded number
/// at a time, and an accepted (user, password) pair is remembered so Prometheus' scrapes
/// cost a hash lookup, not a bcrypt run. A rejected pair is remembered too: a client that
/// keeps sending a wrong password (a misconfigured scraper, or a flood) costs one bcrypt run,
/// and only new guesses take the rate-limited path, at most 5 a minute from one address.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mtasts::web {

enum class Access {
  granted,
  denied,  ///< no or wrong credentials: 401
  busy,    ///< too many password checks under way: 429, try again
};

/// How much password checking a flood of guesses may cause.
struct PasswordCheckLimits {
  /// Password checks that may run or wait at once; more are answered `busy`.
  std::size_t max_pending = 4;
  /// bcrypt runs allowed, refilled at this rate up to `bcrypt_burst`: a flood of new guesses
  /// may take a tenth of one core, not a whole one that the checks share on a small machine.
  double bcrypt_per_second = 2;
  double bcrypt_burst = 4;
};

class BasicAuth {
 public:
  /// `users`: user → bcrypt hash. `workers`: where bcrypt runs (not the event loop).
  BasicAuth(std::map<std::string, std::string> users, asio::any_io_executor workers,
            PasswordCheckLimits limits = {});
  bool enabled() const { return !state_->users.empty(); }

  /// A client address whose passwords bcrypt rejected this often within kFailureWindow gets
  /// `busy` for new ones until the window ends (remembered passwords are still judged).
  static constexpr std::size_t kFailuresPerClient = 5;
  static constexpr std::chrono::seconds kFailureWindow{60};

  /// Judges an Authorization header's value (nullopt: none sent) from `client` (its
  /// address; empty when unknown). Resumes on the caller's executor.
  asio::awaitable<Access> check(std::optional<std::string_view> authorization,
                                std::string_view client = {});

  /// Password checks running or waiting now.
  std::size_t pending() const { return state_->pending; }

 private:
  struct State {
    std::map<std::string, std::string> users;
    std::string dummy_hash;  ///< checked for unknown users: a real user's algorithm and cost
    std::vector<std::string> accepted;  ///< SHA-256 of user, hash and password; bounded
    std::vector<std::string> rejected;  ///< the same, of pairs bcrypt said no to; bounded
    struct Failures {
      std::size_t count = 0;
      std::chrono::steady_clock::time_point since{};
    };
    /// bcrypt rejections per client address in its current window; bounded.
    std::unordered_map<std::string, Failures> failures;
    std::size_t pending = 0;
    PasswordCheckLimits limits;
    double tokens = 0;  ///< bcrypt runs allowed now (limits.bcrypt_per_second refills them)
    std::chrono::steady_clock::time_point refilled{};
  };
  static void count_failure(State& state, std::string client,
                            std::chrono::steady_clock::time_point now);

  std::shared_ptr<State> state_;  ///< shared with checks in flight
  asio::any_io_executor workers_;
};

/// Whether `password` matches a crypt(3) hash such as bcrypt's "$2y$10$...".
bool password_matches(const std::string& password, const std::string& hash);

}  // namespace mtasts::web
