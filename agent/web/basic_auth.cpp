#include "web/basic_auth.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/use_awaitable.hpp>
#include <vector>

#include "web/http_request.hpp"

namespace mtasts::web {
namespace {

constexpr std::size_t kRememberedPasswords = 64;
constexpr std::size_t kRememberedRejections = 256;
constexpr std::size_t kTrackedClients = 4096;

/// Adds `key` to a bounded list, forgetting the oldest.
void remember(std::vector<std::string>& keys, std::string key, std::size_t bound) {
  if (keys.size() >= bound) keys.erase(keys.begin());
  keys.push_back(std::move(key));
}

bool contains(const std::vector<std::string>& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

/// A coroutine of its own with its arguments by value: a capturing lambda coroutine would
/// read its captures from a lambda object that is gone once co_spawn has the awaitable.
asio::awaitable<bool> hash_and_compare(std::string password, std::string hash) {
  co_return password_matches(password, hash);
}

}  // namespace

void BasicAuth::count_failure(State& state, std::string client,
                              std::chrono::steady_clock::time_point now) {
  if (state.failures.size() >= kTrackedClients && !state.failures.contains(client)) {
    std::erase_if(state.failures,
                  [now](const auto& entry) { return now - entry.second.since >= kFailureWindow; });
    if (state.failures.size() >= kTrackedClients) state.failures.clear();
  }
  auto& failures = state.failures[std::move(client)];
  if (now - failures.since >= kFailureWindow) failures = {.count = 0, .since = now};
  ++failures.count;
}

bool password_matches(const std::string& password, const std::string& hash) {
  crypt_data data{};
  const char* computed = crypt_r(password.c_str(), hash.c_str(), &data);
  if (!computed || computed[0] == '*') return false;
  const std::string_view result(computed);
  return result.size() == hash.size() &&
         CRYPTO_memcmp(result.data(), hash.data(), hash.size()) == 0;
}

BasicAuth::BasicAuth(std::map<std::string, std::string> users, asio::any_io_executor workers,
                     PasswordCheckLimits limits)
    : state_(std::make_shared<State>()), workers_(std::move(workers)) {
  state_->users = std::move(users);
  limits.max_pending = std::max<std::size_t>(1, limits.max_pending);
  state_->limits = limits;
  state_->tokens = limits.bcrypt_burst;
  state_->refilled = std::chrono::steady_clock::now();
  // The prefix ("$2y$12$") of the costliest user's hash with a fixed salt: an unknown user
  // costs at least the work of a wrong password, so timing does not tell which users exist.
  state_->dummy_hash = "$2y$10$" + std::string(22, '.');
  for (const auto& [user, hash] : state_->users) {
    if (hash.size() > 7 && hash.starts_with("$2") && hash[6] == '$' &&
        hash.substr(4, 2) >= state_->dummy_hash.substr(4, 2)) {
      state_->dummy_hash = hash.substr(0, 7) + std::string(22, '.');
    }
  }
}

asio::awaitable<Access> BasicAuth::check(std::optional<std::string_view> authorization,
                                         std::string_view client) {
  const std::shared_ptr<State> state = state_;
  if (state->users.empty()) co_return Access::granted;
  if (!authorization) co_return Access::denied;
  auto credentials = parse_basic_authorization(*authorization);
  if (!credentials) co_return Access::denied;
  const auto user = state->users.find(credentials->user);
  const bool known = user != state->users.end();
  const std::string hash = known ? user->second : state->dummy_hash;
  const std::string key = sha256(credentials->user + '\0' + hash + '\0' + credentials->password);
  if (known && contains(state->accepted, key)) co_return Access::granted;
  if (contains(state->rejected, key)) co_return Access::denied;
  const auto now = std::chrono::steady_clock::now();
  // One address guessing passwords: after kFailuresPerClient wrong ones, no more bcrypt runs
  // for it until its window ends (a flood from one place stays within noise).
  if (auto f = state->failures.find(std::string(client)); f != state->failures.end() &&
                                                          f->second.count >= kFailuresPerClient &&
                                                          now - f->second.since < kFailureWindow) {
    co_return Access::busy;
  }
  // A flood of wrong passwords queues at most max_pending bcrypt runs; the rest are told to
  // come back, so the worker never builds a backlog of minutes.
  if (state->pending >= state->limits.max_pending) co_return Access::busy;
  state->tokens =
      std::min(state->limits.bcrypt_burst,
               state->tokens + std::chrono::duration<double>(now - state->refilled).count() *
                                   state->limits.bcrypt_per_second);
  state->refilled = now;
  if (state->tokens < 1) co_return Access::busy;
  state->tokens -= 1;
  ++state->pending;
  struct Done {
    State& s;
    ~Done() { --s.pending; }
  } done{*state};
  const bool matches = co_await asio::co_spawn(
      workers_, hash_and_compare(std::move(credentials->password), hash), asio::use_awaitable);
  if (!known || !matches) {
    if (!contains(state->rejected, key)) remember(state->rejected, key, kRememberedRejections);
    count_failure(*state, std::string(client), std::chrono::steady_clock::now());
    co_return Access::denied;
  }
  if (!contains(state->accepted, key)) remember(state->accepted, key, kRememberedPasswords);
  co_return Access::granted;
}

}  // namespace mtasts::web
