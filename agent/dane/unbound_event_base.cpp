#include "dane/unbound_event_base.hpp"

#include <sys/time.h>
#include <unbound-event.h>

#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "common/log.hpp"

namespace mtasts::dane {
namespace {

using Callback = void (*)(int, short, void*);

std::chrono::microseconds duration_of(const timeval& tv) {
  return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

/// Logs the exception in flight as an error. Called in a catch block of code that libunbound
/// (C) calls, so nothing may leave it: should the log line itself fail, there is nowhere left
/// to say so.
void log_failure(std::string_view what) noexcept {
  try {
    log::error(what, {{"err", log::current_exception_message()}});
  } catch (...) {  // NOLINT(bugprone-empty-catch): see above
  }
}

}  // namespace

struct UnboundEventBase::Base : ub_event_base {
  explicit Base(asio::any_io_executor e) : executor(std::move(e)) {}
  asio::any_io_executor executor;
};

namespace {

/// One of libunbound's events: a socket to watch for reading or writing (fd >= 0), with or
/// without a timeout, or a timer alone (fd -1). The semantics are libevent's, which
/// libunbound was written against: an added event fires once and is then inactive, unless
/// it is UB_EV_PERSIST; a persistent event's timeout starts again each time it fires.
///
/// libunbound may delete, free or re-add an event from inside its own callback, so a
/// completion handler checks that its event is alive and still at the activation that
/// started it (`generation` for the socket, `timer_generation` for the timeout) before it
/// touches anything, and calls libunbound last.
struct Event : ub_event {
  Event(UnboundEventBase::Base* b, int f, short what, Callback c, void* a);

  asio::any_io_executor executor;
  int fd;
  short bits;
  Callback callback;
  void* arg;
  bool added = false;
  std::optional<std::chrono::microseconds> timeout;  ///< of the current activation
  /// Registered with the loop only while the event is added: libunbound closes a socket
  /// right after deleting its event, and the number may come back as another socket.
  std::optional<asio::posix::stream_descriptor> descriptor;
  std::optional<asio::steady_timer> timer;  ///< made at the first timeout
  unsigned generation = 0;
  unsigned timer_generation = 0;
  std::shared_ptr<int> alive = std::make_shared<int>(0);
};

Event* as_event(ub_event* ev) {
  return static_cast<Event*>(ev);
}

void stop_timer(Event& ev) {
  ++ev.timer_generation;
  if (ev.timer) ev.timer->cancel();
}

/// Inactive: handlers still queued find another generation and leave it alone.
void deactivate(Event& ev) {
  ++ev.generation;
  ev.added = false;
  stop_timer(ev);
  if (ev.descriptor) {
    ev.descriptor->release();  // never closes: the socket is libunbound's
    ev.descriptor.reset();
  }
}

void fire(Event& ev, short what);

void start_timer(Event& ev, std::chrono::microseconds after) {
  if (!ev.timer) ev.timer.emplace(ev.executor);
  ev.timer->expires_after(after);
  const unsigned armed = ++ev.timer_generation;
  ev.timer->async_wait([e = &ev, alive = std::weak_ptr<int>(ev.alive), armed](std::error_code ec) {
    if (ec || alive.expired() || e->timer_generation != armed) return;
    fire(*e, UB_EV_TIMEOUT);
  });
}

void wait_for(Event& ev, short direction) {
  const auto wait = direction == UB_EV_READ ? asio::posix::stream_descriptor::wait_read
                                            : asio::posix::stream_descriptor::wait_write;
  ev.descriptor->async_wait(wait, [e = &ev, alive = std::weak_ptr<int>(ev.alive),
                                   armed = ev.generation, direction](std::error_code ec) {
    if (ec || alive.expired() || e->generation != armed) return;
    fire(*e, direction);
  });
}

/// `what` happened (UB_EV_READ, UB_EV_WRITE or UB_EV_TIMEOUT): re-arm or deactivate as
/// libevent would, then run libunbound's callback, which may free the event.
void fire(Event& ev, short what) {
  const Callback callback = ev.callback;
  void* const arg = ev.arg;
  const int fd = ev.fd;
  if ((ev.bits & UB_EV_PERSIST) == 0) {
    deactivate(ev);
  } else {
    if (what != UB_EV_TIMEOUT) wait_for(ev, what);
    if (ev.timeout) start_timer(ev, *ev.timeout);
  }
  callback(fd, what, arg);
}

int activate(Event& ev, const timeval* tv) {
  if (ev.added) deactivate(ev);
  ++ev.generation;
  ev.timeout.reset();
  if (tv != nullptr) ev.timeout = duration_of(*tv);
  try {
    const short directions = ev.bits & (UB_EV_READ | UB_EV_WRITE);
    if (ev.fd >= 0 && directions != 0) {
      std::error_code ec;
      ev.descriptor.emplace(ev.executor);
      ev.descriptor->assign(ev.fd, ec);
      if (ec) {
        ev.descriptor.reset();
        return -1;
      }
      if ((directions & UB_EV_READ) != 0) wait_for(ev, UB_EV_READ);
      if ((directions & UB_EV_WRITE) != 0) wait_for(ev, UB_EV_WRITE);
    }
    if (ev.timeout) start_timer(ev, *ev.timeout);
  } catch (...) {  // out of memory: libunbound treats -1 as a failed add
    log_failure("libunbound's event could not be watched");
    deactivate(ev);
    return -1;
  }
  ev.added = true;
  return 0;
}

void add_bits(ub_event* ev, short bits) {
  as_event(ev)->bits |= bits;
}
void del_bits(ub_event* ev, short bits) {
  as_event(ev)->bits &= static_cast<short>(~bits);
}
void set_fd(ub_event* ev, int fd) {
  Event& e = *as_event(ev);
  if (e.added) deactivate(e);
  e.fd = fd;
}
void free_event(ub_event* ev) {
  Event* e = as_event(ev);
  deactivate(*e);
  delete e;
}
int add(ub_event* ev, timeval* tv) {
  return activate(*as_event(ev), tv);
}
int del(ub_event* ev) {
  deactivate(*as_event(ev));
  return 0;
}
int add_timer(ub_event* ev, ub_event_base* /*base*/, Callback callback, void* arg, timeval* tv) {
  Event& e = *as_event(ev);
  e.callback = callback;
  e.arg = arg;
  return activate(e, tv);
}
int del_timer(ub_event* ev) {
  return del(ev);
}
// Signals and Windows' WSA events: libunbound never asks for them on a caller's base.
int no_signal(ub_event* /*ev*/, timeval* /*tv*/) {
  return -1;
}
int no_signal_del(ub_event* /*ev*/) {
  return -1;
}
void no_wsa_unregister(ub_event* /*ev*/) {}
void no_wsa_wouldblock(ub_event* /*ev*/, int /*bit*/) {}

ub_event_vmt event_vmt = {add_bits,
                          del_bits,
                          set_fd,
                          free_event,
                          add,
                          del,
                          add_timer,
                          del_timer,
                          no_signal,
                          no_signal_del,
                          no_wsa_unregister,
                          no_wsa_wouldblock};

Event::Event(UnboundEventBase::Base* b, int f, short what, Callback c, void* a)
    : ub_event{UB_EVENT_MAGIC, &event_vmt},
      executor(b->executor),
      fd(f),
      bits(what),
      callback(c),
      arg(a) {}

ub_event* new_event(ub_event_base* base, int fd, short bits, Callback callback, void* arg) {
  try {
    return new Event(static_cast<UnboundEventBase::Base*>(base), fd, bits, callback, arg);
  } catch (...) {
    log_failure("libunbound's event could not be made");
    return nullptr;  // and libunbound fails the query
  }
}

// The loop is the agent's: libunbound neither runs nor stops it when it resolves with
// ub_resolve_event, and frees no base it did not make.
void free_base(ub_event_base* /*base*/) {}
int no_dispatch(ub_event_base* /*base*/) {
  return -1;
}
int no_loopexit(ub_event_base* /*base*/, timeval* /*tv*/) {
  return 0;
}
ub_event* no_new_signal(ub_event_base* /*base*/, int /*fd*/, Callback /*cb*/, void* /*arg*/) {
  return nullptr;
}
ub_event* no_wsa_register(ub_event_base* /*base*/, void* /*wsaevent*/, Callback /*cb*/,
                          void* /*arg*/) {
  return nullptr;
}

ub_event_base_vmt base_vmt = {free_base, no_dispatch,   no_loopexit,
                              new_event, no_new_signal, no_wsa_register};

}  // namespace

UnboundEventBase::UnboundEventBase(asio::any_io_executor executor)
    : base_(std::make_unique<Base>(std::move(executor))) {
  base_->magic = UB_EVENT_MAGIC;
  base_->vmt = &base_vmt;
}

UnboundEventBase::~UnboundEventBase() = default;

ub_event_base* UnboundEventBase::get() {
  return base_.get();
}

}  // namespace mtasts::dane
