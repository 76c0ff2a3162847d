/// @file
/// @brief libunbound's pluggable event API (unbound-event.h) over Asio: libunbound then
/// resolves on the agent's own event loop, as c-ares does, instead of on a worker thread of
/// its own that hands every answer back through a pipe. Its sockets are watched with Asio
/// descriptors (never owned: libunbound closes them) and its timeouts are Asio timers.
#pragma once

#include <asio/any_io_executor.hpp>
#include <memory>

struct ub_event_base;

namespace mtasts::dane {

class UnboundEventBase {
 public:
  explicit UnboundEventBase(asio::any_io_executor executor);
  ~UnboundEventBase();
  UnboundEventBase(const UnboundEventBase&) = delete;
  UnboundEventBase& operator=(const UnboundEventBase&) = delete;

  /// What ub_ctx_create_ub_event() takes; must outlive the context (ub_ctx_delete frees
  /// the events it made through it).
  ub_event_base* get();

  struct Base;  ///< the ub_event_base with the executor its events use

 private:
  std::unique_ptr<Base> base_;
};

}  // namespace mtasts::dane
