#include "dns/resolver.hpp"

#include <arpa/nameser.h>
#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <charconv>
#include <mutex>

#include "common/server_address.hpp"
#include "dns/dns_error.hpp"

namespace mtasts::dns {
namespace {

constexpr int kMaxCnameHops = 8;
constexpr int kEdnsPayload = 1232;  // the DNS flag day 2020 size: no IP fragmentation
constexpr unsigned char kFlagAuthenticData = 0x20;  // in the header's fourth byte

void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

/// The state of one ares_query in flight. Shared by the c-ares callback (which always
/// runs once, on success, failure or channel destruction) and the cancellation handler,
/// so cancellation can complete the operation early and c-ares can finish later.
template <class Handler>
struct QueryState {
  using Executor = asio::associated_executor_t<Handler, asio::any_io_executor>;

  QueryState(Handler h, const asio::any_io_executor& fallback, std::string asked_name,
             int asked_type)
      : name(std::move(asked_name)),
        type(asked_type),
        handler(std::move(h)),
        work(asio::get_associated_executor(handler, fallback)),
        slot(asio::get_associated_cancellation_slot(handler)) {}

  void complete(std::error_code ec, std::vector<unsigned char> answer, bool from_cancel) {
    if (done) return;
    done = true;
    // Clearing the slot from inside its own handler would destroy the running lambda.
    if (!from_cancel && slot.is_connected()) slot.clear();
    auto executor = work.get_executor();
    asio::post(executor, [h = std::move(handler), ec, a = std::move(answer)]() mutable {
      std::move(h)(ec, std::move(a));
    });
    work.reset();
  }

  std::string name;
  int type;
  Handler handler;
  asio::executor_work_guard<Executor> work;
  asio::cancellation_slot slot;
  bool done = false;
};

template <class Handler>
void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  std::unique_ptr<std::shared_ptr<QueryState<Handler>>> holder(
      static_cast<std::shared_ptr<QueryState<Handler>>*>(arg));
  auto& state = *holder;
  if (status != ARES_SUCCESS) {
    state->complete(make_ares_error(status), {}, false);
    return;
  }
  std::vector<unsigned char> answer(abuf, abuf + (alen > 0 ? alen : 0));
  if (!answers_question(answer, state->name, state->type)) {
    state->complete(make_ares_error(ARES_EBADRESP), {}, false);
    return;
  }
  state->complete({}, std::move(answer), false);
}

}  // namespace

struct Resolver::Watch {
  explicit Watch(asio::posix::stream_descriptor d) : descriptor(std::move(d)) {}
  asio::posix::stream_descriptor descriptor;
  bool want_read = false;
  bool want_write = false;
  bool reading = false;
  bool writing = false;
  bool closed = false;  ///< c-ares closed the socket; pending handlers must do nothing
};

void Resolver::ChannelDeleter::operator()(ares_channel channel) const noexcept {
  ares_destroy(channel);
}

Resolver::Resolver(asio::any_io_executor executor)
    : executor_(std::move(executor)), timer_(executor_) {}

Resolver::~Resolver() {
  // ares_destroy completes every pending query with ARES_EDESTRUCTION (their handlers are
  // posted) and reports every socket closed, which releases its watch.
  channel_.reset();
  for (auto& [fd, watch] : watches_) {
    watch->closed = true;
    watch->descriptor.release();
  }
}

Result<std::unique_ptr<Resolver>> Resolver::create(asio::any_io_executor executor,
                                                   const ResolverOptions& options) {
  init_library_once();
  std::string servers;
  for (const auto& server : options.servers) {
    const auto parsed = parse_server_address(server);
    if (!parsed) return failure("DNS server " + parsed.error());
    if (!servers.empty()) servers += ',';
    servers += parsed->ares_form;
  }
  if (options.attempt_timeout.count() <= 0 || options.tries < 1) {
    return failure(std::string("DNS timeout and tries must be positive"));
  }

  std::unique_ptr<Resolver> resolver(new Resolver(std::move(executor)));
  resolver->attempt_timeout_ = options.attempt_timeout;
  ares_options opts{};
  // No search domains: "_mta-sts.example.com" must never become
  // "_mta-sts.example.com.corp.local". No HOSTALIASES. EDNS for large TXT answers.
  //
  // NOCHECKRESP: c-ares 1.18 would otherwise turn SERVFAIL and REFUSED into "connection
  // refused" after trying every server, and a broken zone must not look like a dead
  // resolver. (The flag's documentation says it also skips the question check; 1.18
  // still checks, and on_answer checks again in case a version does not.)
  opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_EDNS | ARES_FLAG_NOCHECKRESP |
               (options.tcp_only ? ARES_FLAG_USEVC : 0);
  opts.timeout = static_cast<int>(options.attempt_timeout.count());
  opts.tries = options.tries;
  opts.ednspsz = kEdnsPayload;
  // A daemon with 100 checks in flight has hundreds of answers arriving at once on one UDP
  // socket; small datagrams fill the default buffer (accounted by their kernel size) while
  // the loop finishes a TLS handshake, and the kernel drops the rest (seen in the
  // benchmark). Ask for more; the kernel caps it at net.core.rmem_max.
  opts.socket_receive_buffer_size = 1 << 20;
  opts.sock_state_cb = &Resolver::on_socket_state;
  opts.sock_state_cb_data = resolver.get();
  const int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_EDNSPSZ |
                   ARES_OPT_SOCK_STATE_CB | ARES_OPT_SOCK_RCVBUF;
  ares_channel channel = nullptr;
  const int status = ares_init_options(&channel, &opts, mask);
  if (status != ARES_SUCCESS) {
    return failure(fmt::format("cannot start the DNS resolver: {}", ares_strerror(status)));
  }
  resolver->channel_.reset(channel);
  if (!servers.empty()) {
    const int set = ares_set_servers_ports_csv(channel, servers.c_str());
    if (set != ARES_SUCCESS) {
      return failure(fmt::format("cannot use DNS servers {}: {}", servers, ares_strerror(set)));
    }
  }
  return resolver;
}

void Resolver::on_socket_state(void* self, ares_socket_t fd, int readable, int writable) {
  static_cast<Resolver*>(self)->watch_socket(fd, readable != 0, writable != 0);
}

void Resolver::watch_socket(ares_socket_t fd, bool readable, bool writable) {
  auto it = watches_.find(fd);
  if (!readable && !writable) {
    // c-ares is about to close fd: stop watching without closing it (release, not close).
    if (it != watches_.end()) {
      it->second->closed = true;
      it->second->descriptor.release();
      watches_.erase(it);
    }
    return;
  }
  if (it == watches_.end()) {
    it =
        watches_.emplace(fd, std::make_shared<Watch>(asio::posix::stream_descriptor(executor_, fd)))
            .first;
  }
  it->second->want_read = readable;
  it->second->want_write = writable;
  arm(fd, it->second);
}

void Resolver::arm(ares_socket_t fd, const std::shared_ptr<Watch>& watch) {
  if (watch->want_read && !watch->reading) {
    watch->reading = true;
    watch->descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                                 [this, fd, watch](std::error_code ec) {
                                   watch->reading = false;
                                   if (ec || watch->closed)
                                     return;  // released, or the resolver is gone
                                   ares_process_fd(channel_.get(), fd, ARES_SOCKET_BAD);
                                   if (!watch->closed) arm(fd, watch);
                                   note_activity();
                                 });
  }
  if (watch->want_write && !watch->writing) {
    watch->writing = true;
    watch->descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                                 [this, fd, watch](std::error_code ec) {
                                   watch->writing = false;
                                   if (ec || watch->closed) return;
                                   ares_process_fd(channel_.get(), ARES_SOCKET_BAD, fd);
                                   if (!watch->closed) arm(fd, watch);
                                   note_activity();
                                 });
  }
}

void Resolver::note_activity() {
  // Every deadline a query or an answer can start is at least one attempt timeout away (a
  // retry waits longer): a timer that fires before then serves it. ares_timeout walks every
  // query in flight, and re-arming costs a system call: both were a tenth of the daemon's CPU
  // when asked on every answer.
  if (armed_until_ <= std::chrono::steady_clock::now() + attempt_timeout_) return;
  update_timer();
}

void Resolver::update_timer() {
  timeval tv{};
  const timeval* next = ares_timeout(channel_.get(), nullptr, &tv);
  if (next == nullptr) {
    armed_until_ = std::chrono::steady_clock::time_point::max();  // no query in flight
    timer_.cancel();
    return;
  }
  armed_until_ = std::chrono::steady_clock::now() + std::chrono::seconds(next->tv_sec) +
                 std::chrono::microseconds(next->tv_usec);
  timer_.expires_at(armed_until_);
  timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](std::error_code ec) {
    // Re-armed or cancelled (ec), or completed and then the resolver was destroyed before
    // this ran (expired): `this` may be gone.
    if (ec || alive.expired()) return;
    ares_process_fd(channel_.get(), ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    update_timer();
  });
}

asio::awaitable<std::pair<std::error_code, std::vector<unsigned char>>> Resolver::query(
    std::string name, int type) {
  return send(std::move(name), type, false);
}

asio::awaitable<std::pair<std::error_code, std::vector<unsigned char>>>
Resolver::query_authenticated(std::string name, int type) {
  return send(std::move(name), type, true);
}

asio::awaitable<std::pair<std::error_code, std::vector<unsigned char>>> Resolver::send(
    std::string name, int type, bool ask_authenticated) {
  auto initiation = [this, &name, type, ask_authenticated](auto handler) {
    using Handler = decltype(handler);
    auto state = std::make_shared<QueryState<Handler>>(std::move(handler), executor_, name, type);
    if (state->slot.is_connected()) {
      state->slot.assign([weak = std::weak_ptr(state)](asio::cancellation_type) {
        if (auto s = weak.lock()) s->complete(asio::error::operation_aborted, {}, true);
      });
    }
    // c-ares owns this holder until its callback, which always runs exactly once.
    auto* holder = new std::shared_ptr<QueryState<Handler>>(state);
    if (!ask_authenticated) {
      ares_query(channel_.get(), name.c_str(), ns_c_in, type, &on_answer<Handler>, holder);
    } else {
      // RFC 6840 §5.7: the AD bit in a query asks a validating resolver to say whether the
      // answer validated. ares_send hands back NXDOMAIN as an answer (its RCODE tells), while
      // SERVFAIL and REFUSED end as errors, as with ares_query.
      unsigned char* packet = nullptr;
      int length = 0;
      const int made =
          ares_create_query(name.c_str(), ns_c_in, type, 0, 1, &packet, &length, kEdnsPayload);
      if (made != ARES_SUCCESS || length < 4) {
        if (packet != nullptr) ares_free_string(packet);
        on_answer<Handler>(holder, made != ARES_SUCCESS ? made : ARES_EBADQUERY, 0, nullptr, 0);
        return;
      }
      packet[3] |= kFlagAuthenticData;
      ares_send(channel_.get(), packet, length, &on_answer<Handler>, holder);
      ares_free_string(packet);
    }
    note_activity();
  };
  auto token = asio::experimental::as_tuple(asio::use_awaitable);
  auto [ec, answer] =
      co_await asio::async_initiate<decltype(token),
                                    void(std::error_code, std::vector<unsigned char>)>(initiation,
                                                                                       token);
  co_return std::pair{ec, std::move(answer)};
}

template <class T, class Parse>
asio::awaitable<Lookup<T>> Resolver::lookup(std::string name, int type, Parse parse) {
  Lookup<T> result;
  for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
    auto [ec, answer] = co_await query(name, type);
    if (ec) {
      result.error = ec;
      co_return result;
    }
    T records{};
    const std::error_code parse_error = parse(Answer(answer), records);
    if (!parse_error && !records.empty()) {
      result.records = std::move(records);
      // A recursive resolver answers with the whole chain: record it.
      std::vector<std::pair<std::string, std::string>> cnames;
      if (!parse_cnames(Answer(answer), cnames)) {
        for (auto& [owner, target] : cnames) result.cname_chain.push_back(std::move(target));
      }
      co_return result;
    }
    if (parse_error && parse_error != make_ares_error(ARES_ENODATA)) {
      result.error = parse_error;
      co_return result;
    }
    // No records of the type: follow a CNAME of the name, as an authoritative server
    // that does not serve the target's zone leaves that to us (RFC 8461 §3.1 delegation).
    std::vector<std::pair<std::string, std::string>> cnames;
    if (auto cname_error = parse_cnames(Answer(answer), cnames)) {
      result.error = cname_error;
      co_return result;
    }
    const std::string next = follow_cnames(name, std::move(cnames), result.cname_chain,
                                           static_cast<std::size_t>(kMaxCnameHops));
    if (next.empty()) {
      result.error = make_ares_error(ARES_ENODATA);
      co_return result;
    }
    if (result.cname_chain.size() > kMaxCnameHops) break;
    name = next;
  }
  result.error = make_error_code(ResolverErrc::cname_loop);
  co_return result;
}

asio::awaitable<Lookup<std::vector<std::string>>> Resolver::txt(std::string name) {
  return lookup<std::vector<std::string>>(std::move(name), ns_t_txt, &parse_txt);
}

asio::awaitable<Lookup<std::vector<MxRecord>>> Resolver::mx(std::string name) {
  return lookup<std::vector<MxRecord>>(std::move(name), ns_t_mx, &parse_mx);
}

asio::awaitable<Lookup<std::vector<asio::ip::address>>> Resolver::addresses(std::string name,
                                                                            bool ipv6) {
  return lookup<std::vector<asio::ip::address>>(
      std::move(name), ipv6 ? ns_t_aaaa : ns_t_a,
      [ipv6](Answer answer, std::vector<asio::ip::address>& out) {
        return parse_addresses(answer, ipv6, out);
      });
}

}  // namespace mtasts::dns
