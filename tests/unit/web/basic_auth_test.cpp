// Basic auth: right and wrong passwords, the cache of accepted ones, and bcrypt kept off the
// event loop with a bound on how many password checks may wait.
#include "web/basic_auth.hpp"

#include <crypt.h>
#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/thread_pool.hpp>
#include <optional>
#include <thread>

#include "http_client.hpp"

namespace mtasts::web {
namespace {

/// A bcrypt hash of `password` at the lowest cost, as htpasswd -nBC 4 would make.
std::string bcrypt(const std::string& password) {
  crypt_data data{};
  const char* hash = crypt_r(password.c_str(), "$2y$04$abcdefghijklmnopqrstuu", &data);
  return hash ? hash : "";
}

std::string basic(const std::string& user_password) {
  return support::basic_authorization(user_password);
}

/// The event loop and a separate worker context that the test runs by hand, so it can see
/// what happens on the loop while a password check waits for the worker.
class BasicAuthTest : public ::testing::Test {
 protected:
  /// Starts a check on the loop and runs the loop until it has nothing more to do.
  std::shared_ptr<std::optional<Access>> start(BasicAuth& auth, std::optional<std::string> header,
                                               std::string client = {}) {
    auto result = std::make_shared<std::optional<Access>>();
    asio::co_spawn(
        loop_,
        [&auth, header, client, result]() -> asio::awaitable<void> {
          const std::optional<std::string_view> view =
              header ? std::optional<std::string_view>(*header) : std::nullopt;
          *result = co_await auth.check(view, client);
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    loop_.restart();
    loop_.poll();
    return result;
  }
  /// Runs the bcrypt work, then the loop again to resume the checks.
  void finish_work() {
    workers_.restart();
    workers_.run();
    loop_.restart();
    loop_.poll();
  }
  Access check(BasicAuth& auth, std::optional<std::string> header, std::string client = {}) {
    auto result = start(auth, std::move(header), std::move(client));
    if (!*result) finish_work();
    EXPECT_TRUE(result->has_value());
    return result->value_or(Access::busy);
  }

  asio::io_context loop_;
  asio::io_context workers_;
};

TEST_F(BasicAuthTest, AcceptsTheRightPasswordOnly) {
  BasicAuth auth({{"prometheus", bcrypt("secret")}}, workers_.get_executor());
  EXPECT_TRUE(auth.enabled());
  EXPECT_EQ(check(auth, basic("prometheus:secret")), Access::granted);
  EXPECT_EQ(check(auth, basic("prometheus:Secret")), Access::denied);
  EXPECT_EQ(check(auth, basic("grafana:secret")), Access::denied);
  EXPECT_EQ(check(auth, std::nullopt), Access::denied);
  EXPECT_EQ(check(auth, "Bearer abc"), Access::denied);
  EXPECT_EQ(check(auth, basic(std::string("prometheus:secret\0anything", 26))), Access::denied);
  BasicAuth open({}, workers_.get_executor());
  EXPECT_FALSE(open.enabled());
  EXPECT_EQ(check(open, std::nullopt), Access::granted);
}

TEST_F(BasicAuthTest, BcryptRunsOnTheWorkersNotOnTheLoop) {
  BasicAuth auth({{"prometheus", bcrypt("secret")}}, workers_.get_executor());
  // The loop has run all it can, and the check still waits: the hashing is on the workers.
  auto result = start(auth, basic("prometheus:secret"));
  EXPECT_FALSE(result->has_value());
  EXPECT_EQ(auth.pending(), 1u);
  finish_work();
  EXPECT_EQ(*result, Access::granted);
  EXPECT_EQ(auth.pending(), 0u);
}

TEST_F(BasicAuthTest, AnAcceptedPasswordIsRememberedAndNotHashedAgain) {
  BasicAuth auth({{"prometheus", bcrypt("secret")}}, workers_.get_executor());
  EXPECT_EQ(check(auth, basic("prometheus:secret")), Access::granted);
  auto again = start(auth, basic("prometheus:secret"));
  EXPECT_EQ(*again, Access::granted);  // answered at once, nothing for the workers
  // A rejected password is remembered as well: sent again, it is refused at once.
  EXPECT_FALSE(start(auth, basic("prometheus:wrong"))->has_value());
  finish_work();
  EXPECT_EQ(*start(auth, basic("prometheus:wrong")), Access::denied);
  EXPECT_FALSE(start(auth, basic("prometheus:wrong2"))->has_value());  // a new guess: bcrypt
  finish_work();
}

TEST_F(BasicAuthTest, UnknownUsersCostABcryptRunToo) {
  BasicAuth auth({{"prometheus", bcrypt("secret")}}, workers_.get_executor());
  // Answered only after the worker ran, as for a known user: timing tells nothing.
  auto result = start(auth, basic("nobody:secret"));
  EXPECT_FALSE(result->has_value());
  finish_work();
  EXPECT_EQ(*result, Access::denied);
}

TEST_F(BasicAuthTest, AFloodOfWrongPasswordsIsBounded) {
  BasicAuth auth({{"prometheus", bcrypt("secret")}}, workers_.get_executor(), {.max_pending = 3});
  std::vector<std::shared_ptr<std::optional<Access>>> waiting;
  for (int i = 0; i < 3; ++i) waiting.push_back(start(auth, basic("prometheus:guess")));
  for (const auto& w : waiting) EXPECT_FALSE(w->has_value());
  // The fourth is told to come back instead of queueing behind them.
  EXPECT_EQ(*start(auth, basic("prometheus:guess")), Access::busy);
  finish_work();
  for (const auto& w : waiting) EXPECT_EQ(*w, Access::denied);
  EXPECT_EQ(check(auth, basic("prometheus:secret")), Access::granted);
}

TEST_F(BasicAuthTest, BcryptRunsAreRateLimited) {
  BasicAuth auth({{"prometheus", bcrypt("secret")}}, workers_.get_executor(), {.max_pending = 100});
  // The burst is queued for the worker; the rest of a quick flood is told to come back.
  std::size_t busy = 0;
  for (int i = 0; i < 40; ++i) {
    if (*start(auth, basic("prometheus:guess")) == Access::busy) ++busy;
  }
  EXPECT_GE(busy, 40 - static_cast<std::size_t>(PasswordCheckLimits{}.bcrypt_burst) - 2);
  EXPECT_LE(auth.pending(), static_cast<std::size_t>(PasswordCheckLimits{}.bcrypt_burst) + 2);
  finish_work();
  // A remembered password needs no bcrypt run, so a flood does not lock Prometheus out.
  BasicAuth warm({{"prometheus", bcrypt("secret")}}, workers_.get_executor(), {.max_pending = 100});
  EXPECT_EQ(check(warm, basic("prometheus:secret")), Access::granted);
  for (int i = 0; i < 20; ++i) start(warm, basic("prometheus:guess"));
  EXPECT_EQ(*start(warm, basic("prometheus:secret")), Access::granted);
  finish_work();
}

TEST_F(BasicAuthTest, OneAddressGuessingIsStoppedAfterAFewWrongPasswords) {
  // The global rate is out of the way here (a burst of 100): what stops the guesses is the
  // address's own limit.
  BasicAuth auth({{"prometheus", bcrypt("secret")}}, workers_.get_executor(),
                 {.max_pending = 100, .bcrypt_burst = 100});
  EXPECT_EQ(check(auth, basic("prometheus:secret"), "192.0.2.1"), Access::granted);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(check(auth, basic("prometheus:guess" + std::to_string(i)), "192.0.2.1"),
              Access::denied);
  }
  EXPECT_EQ(check(auth, basic("prometheus:guess3"), "192.0.2.1"), Access::denied);
  EXPECT_EQ(check(auth, basic("prometheus:guess4"), "192.0.2.1"), Access::denied);
  static_assert(BasicAuth::kFailuresPerClient == 5);
  // Five wrong passwords from 192.0.2.1: its next guess costs no bcrypt run...
  EXPECT_EQ(*start(auth, basic("prometheus:guess5"), "192.0.2.1"), Access::busy);
  // ...while its remembered password still works, and another address is still judged.
  EXPECT_EQ(*start(auth, basic("prometheus:secret"), "192.0.2.1"), Access::granted);
  EXPECT_EQ(check(auth, basic("prometheus:guess5"), "192.0.2.2"), Access::denied);
}

TEST_F(BasicAuthTest, ResumesOnTheLoopThread) {
  asio::thread_pool pool(1);
  BasicAuth auth({{"prometheus", bcrypt("secret")}}, pool.get_executor());
  std::thread::id resumed_on;
  std::optional<Access> result;
  asio::co_spawn(
      loop_,
      [&]() -> asio::awaitable<void> {
        result = co_await auth.check(basic("prometheus:secret"));
        resumed_on = std::this_thread::get_id();
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  loop_.run_for(std::chrono::seconds(10));
  EXPECT_EQ(result, Access::granted);
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace mtasts::web
