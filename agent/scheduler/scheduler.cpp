#include "scheduler/scheduler.hpp"

#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "scheduler/timing.hpp"

namespace mtasts::scheduler {
namespace {

constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

Millis to_millis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch());
}

}  // namespace

Scheduler::Scheduler(asio::any_io_executor executor, std::size_t concurrency, CheckFunction check)
    : executor_(executor),
      concurrency_(std::max<std::size_t>(concurrency, 1)),
      check_(std::move(check)),
      wake_timer_(executor),
      idle_timer_(executor) {}

Scheduler::~Scheduler() {
  *alive_ = false;
  stopped_ = true;
  wake_timer_.cancel();
  idle_timer_.cancel();
}

void Scheduler::set_targets(const std::vector<ScheduledTarget>& targets) {
  std::set<std::string> wanted;
  const auto now = Clock::now();
  for (const auto& target : targets) {
    wanted.insert(target.domain);
    auto [it, added] = entries_.try_emplace(target.domain, Entry{target, now, false});
    if (added) {
      enqueue(target.domain, now);
      continue;
    }
    Entry& entry = it->second;
    const bool shorter = target.interval < entry.target.interval;
    entry.target = target;
    // A shorter interval must not wait for a slot of the longer one.
    if (shorter && !entry.running && entry.due > now + target.interval) {
      queue_.erase({entry.due, target.domain});
      enqueue(target.domain, now + target.interval);
    }
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (wanted.contains(it->first)) {
      ++it;
      continue;
    }
    queue_.erase({it->second.due, it->first});
    it = entries_.erase(it);
  }
  wake();
}

void Scheduler::set_concurrency(std::size_t concurrency) {
  concurrency_ = std::max<std::size_t>(concurrency, 1);
  wake();
}

void Scheduler::start() {
  if (started_) return;
  started_ = true;
  asio::co_spawn(executor_, dispatch(), log::on_exception("scheduler dispatch"));
}

void Scheduler::stop() {
  stopped_ = true;
  wake();
}

asio::awaitable<std::size_t> Scheduler::drain(std::chrono::steady_clock::time_point deadline) {
  auto alive = alive_;
  auto expired = std::make_shared<bool>(false);
  asio::steady_timer timer(executor_, deadline);
  timer.async_wait([this, alive, expired](asio::error_code ec) {
    if (ec || !*alive) return;
    *expired = true;
    idle_timer_.cancel();
  });
  while (*alive && in_flight_ > 0 && !*expired) {
    idle_timer_.expires_at(asio::steady_timer::time_point::max());
    co_await idle_timer_.async_wait(kTuple);
  }
  timer.cancel();
  co_return *alive ? in_flight_ : 0;
}

double Scheduler::lag_seconds() const {
  if (queue_.empty()) return 0;
  const auto late = Clock::now() - queue_.begin()->first;
  return late.count() > 0 ? std::chrono::duration<double>(late).count() : 0;
}

std::optional<Scheduler::Clock::time_point> Scheduler::due(const std::string& domain) const {
  auto it = entries_.find(domain);
  if (it == entries_.end() || it->second.running) return std::nullopt;
  return it->second.due;
}

void Scheduler::enqueue(const std::string& domain, Clock::time_point due) {
  entries_.at(domain).due = due;
  queue_.emplace(due, domain);
}

void Scheduler::wake() {
  wake_pending_ = true;
  wake_timer_.cancel();
}

asio::awaitable<void> Scheduler::dispatch() {
  auto alive = alive_;
  while (*alive && !stopped_) {
    wake_pending_ = false;
    const auto now = Clock::now();
    if (in_flight_ < concurrency_ && !queue_.empty() && queue_.begin()->first <= now) {
      auto [due, domain] = *queue_.begin();
      queue_.erase(queue_.begin());
      auto entry = entries_.find(domain);
      if (entry == entries_.end() || entry->second.running || entry->second.due != due) continue;
      entry->second.running = true;
      ++in_flight_;
      asio::co_spawn(executor_, run_check(domain), log::on_exception("scheduled check"));
      continue;
    }
    // Sleep until the next due time, or until something changes.
    auto until = asio::steady_timer::time_point::max();
    if (in_flight_ < concurrency_ && !queue_.empty()) {
      until = std::chrono::steady_clock::now() + (queue_.begin()->first - now);
    }
    if (wake_pending_) continue;
    wake_timer_.expires_at(until);
    co_await wake_timer_.async_wait(kTuple);
  }
}

asio::awaitable<void> Scheduler::run_check(std::string domain) {
  auto alive = alive_;
  const auto started = Clock::now();
  bool failed = true;
  try {
    failed = co_await check_(domain);
  } catch (...) {
    // The check function reports its own problems; this is a bug in it. Keep scheduling.
    log::error("check ended by an exception",
               {{"domain", domain}, {"err", log::current_exception_message()}});
    failed = true;
  }
  if (!*alive) co_return;
  --in_flight_;
  if (in_flight_ == 0) idle_timer_.cancel();
  auto it = entries_.find(domain);
  if (it != entries_.end()) {  // not removed by a reload meanwhile
    Entry& entry = it->second;
    entry.running = false;
    const Millis interval = entry.target.interval;
    const Millis retry = entry.target.retry_after;
    // The jitter is a small share of the wait it is added to.
    const Millis spread_limit = max_jitter(failed ? std::min(interval, retry) : interval);
    std::uniform_int_distribution<std::int64_t> spread(
        0, std::max<std::int64_t>(spread_limit.count(), 0));
    const Millis jitter(spread(random_));
    const Millis next =
        failed ? next_due_after_failure(domain, to_millis(started), interval, retry, jitter)
               : next_due(domain, to_millis(started), interval, jitter);
    enqueue(domain, Clock::time_point(std::chrono::duration_cast<Clock::duration>(next)));
  }
  wake();
}

}  // namespace mtasts::scheduler
