#include "probe/smtp_probe_sharing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "mtasts/text.hpp"

namespace mtasts::probe {
namespace {

constexpr auto kToken = asio::experimental::as_tuple(asio::use_awaitable);

std::string key_of(const std::string& mx_host, const asio::ip::tcp::endpoint& endpoint,
                   const net::SmtpOptions& options) {
  std::string key = mtasts::to_lower_ascii(mx_host);
  key += '|';
  key += endpoint.address().to_string();
  key += '|';
  key += std::to_string(endpoint.port());
  key += '|';
  key += options.ehlo_name;
  // The TLSA records the chain is judged against (the same for every domain of the host).
  for (const auto& record : options.tlsa) {
    key += '|';
    key += dane::to_presentation(record);
  }
  if (!options.dane_alias.empty()) key += "|alias=" + options.dane_alias;
  return key;
}

}  // namespace

void SmtpProbeSharing::sweep(Clock::time_point now) {
  if (now - last_sweep_ < reuse_) return;
  last_sweep_ = now;
  std::erase_if(entries_, [&](const auto& e) {
    return e.second->result && now - e.second->finished > reuse_;
  });
  std::erase_if(lookups_, [&](const auto& e) { return now - e.second.at > reuse_; });
  std::erase_if(dane_lookups_, [&](const auto& e) { return now - e.second.at > reuse_; });
}

template <class Facts>
asio::awaitable<Facts> SmtpProbeSharing::kept_or_looked_up(
    KeptLookups<Facts>& kept, std::string key, std::function<asio::awaitable<Facts>()> lookup,
    bool (*definitive)(const Facts&)) {
  const auto now = Clock::now();
  sweep(now);
  if (auto it = kept.find(key); it != kept.end() && now - it->second.at <= reuse_) {
    ++lookups_reused_;
    co_return it->second.facts;
  }
  // Lookup keys ("host|families|bound", "dane|host|type") never equal probe keys
  // ("host|address|port|ehlo").
  const bool asked_before =
      reuse_ > Clock::duration::zero() && asked_recently(std::hash<std::string>{}(key), now);
  Facts facts = co_await lookup();
  if (asked_before && definitive(facts)) kept[key] = {facts, Clock::now()};
  co_return facts;
}

asio::awaitable<AddressLookupFacts> SmtpProbeSharing::addresses(
    const std::string& key, std::function<asio::awaitable<AddressLookupFacts>()> lookup) {
  // A timeout or SERVFAIL is this check's news, not an answer to hand to other domains.
  constexpr auto definitive = [](const AddressLookupFacts& facts) {
    return (!facts.v4_asked || dns::is_definitive(facts.v4_failure)) &&
           (!facts.v6_asked || dns::is_definitive(facts.v6_failure));
  };
  return kept_or_looked_up<AddressLookupFacts>(lookups_, key, std::move(lookup), definitive);
}

asio::awaitable<SharedDaneHostFacts> SmtpProbeSharing::dane(
    const std::string& key, std::function<asio::awaitable<SharedDaneHostFacts>()> lookup) {
  // A bogus answer is the validator's verdict (kept); a lookup that failed is not.
  constexpr auto definitive = [](const SharedDaneHostFacts& facts) {
    return facts && facts->error.empty();
  };
  return kept_or_looked_up<SharedDaneHostFacts>(dane_lookups_, "dane|" + key, std::move(lookup),
                                                definitive);
}

bool SmtpProbeSharing::asked_recently(std::size_t hash, Clock::time_point now) {
  constexpr std::size_t kSlots = 1 << 16;
  if (asked_.empty()) asked_.resize(kSlots);
  const auto second = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now - epoch_).count());
  const auto fingerprint = static_cast<std::uint32_t>(hash >> 32) | 1u;
  Asked& slot = asked_[hash % kSlots];
  const bool recent =
      slot.fingerprint == fingerprint &&
      std::chrono::seconds(second - slot.second) <= reuse_ + std::chrono::seconds(1);
  slot = {fingerprint, second};
  return recent;
}

asio::awaitable<net::SmtpProbe> SmtpProbeSharing::probe(asio::ssl::context& context,
                                                        std::string mx_host,
                                                        asio::ip::tcp::endpoint endpoint,
                                                        net::SmtpOptions options) {
  using namespace asio::experimental::awaitable_operators;
  auto executor = co_await asio::this_coro::executor;
  const auto now = Clock::now();
  sweep(now);
  const std::string key = key_of(mx_host, endpoint, options);

  if (auto it = entries_.find(key); it != entries_.end()) {
    auto shared = it->second;  // keeps it alive while this check waits
    if (shared->result && now - shared->finished <= reuse_) {
      ++*reused_;
      co_return *shared->result;
    }
    if (!shared->result) {
      // Running for another domain: wait for it, no longer than a probe of our own.
      shared->keep = true;
      if (!shared->done) shared->done.emplace(executor, asio::steady_timer::time_point::max());
      const auto waited_from = Clock::now();
      asio::steady_timer own(executor, options.timeout);
      co_await (shared->done->async_wait(kToken) || own.async_wait(kToken));
      if (shared->result) {
        ++*reused_;
        co_return *shared->result;
      }
      // Probe anew with what is left of this check's time, not a whole timeout more.
      const auto waited =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - waited_from);
      if (waited >= options.timeout) {
        net::SmtpProbe out_of_time;
        out_of_time.endpoint = endpoint;
        out_of_time.error = net::SmtpError::timeout;
        out_of_time.detail = fmt::format(
            "another check's probe of this address did not finish within {} ms", waited.count());
        co_return out_of_time;
      }
      options.timeout -= waited;
      options.step_timeout = std::min(options.step_timeout, options.timeout);
    }
    // Stale, or the other check gave up: probe anew.
  }

  const auto hash = std::hash<std::string>{}(key);
  auto shared = std::make_shared<Shared>();
  shared->keep = asked_recently(hash, now);
  entries_[key] = shared;

  // Whatever happens to this coroutine (a result, or destruction when its check is
  // abandoned), the joined checks wake up and the entry does not outlive its use.
  struct Finish {
    SmtpProbeSharing& self;
    const std::string& key;
    const std::shared_ptr<Shared>& shared;
    ~Finish() {
      if (shared->done) shared->done->cancel();
      if (shared->result && shared->keep) return;
      if (auto it = self.entries_.find(key); it != self.entries_.end() && it->second == shared) {
        self.entries_.erase(it);
      }
    }
  } finish{*this, key, shared};

  net::SmtpProbe result =
      co_await net::probe_smtp(context, std::move(mx_host), endpoint, std::move(options));
  ++*made_;
  // A probe cut short by its own check's cancellation says nothing about the MX host: the
  // joined checks probe for themselves.
  const auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
  if (cancelled != asio::cancellation_type::none) co_return result;
  if (shared->keep) {  // asked for before, or joined while running
    shared->result = result;
    shared->finished = Clock::now();
  }
  co_return result;
}

}  // namespace mtasts::probe
