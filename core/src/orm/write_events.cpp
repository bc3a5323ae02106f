// The write listeners (quarry/write_events.hpp) and their dispatch. Nothing is done when
// none is registered: the write funnel asks write_listeners_exist() first.
#include "orm/write_events.hpp"

#include "orm/table_set.hpp"

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace quarry {
namespace {

using List = std::vector<std::pair<std::size_t, WriteListener>>;

struct Listeners {
  std::mutex mutex;
  // Replaced on change, never changed in place: a write calls the list it found, with
  // the lock released (a listener may add or remove listeners).
  std::shared_ptr<const List> list = std::make_shared<List>();
  std::size_t next_id = 1;
  std::atomic<bool> any{false};
};

// Never destroyed: it is made on the first add_write_listener(), after the process-wide
// registry of databases, and would go before it at exit, when that registry's
// destructor removes its cache listener.
Listeners& listeners() {
  static Listeners* const l = new Listeners;
  return *l;
}

}  // namespace

std::size_t add_write_listener(WriteListener listener) {
  Listeners& l = listeners();
  std::lock_guard lock(l.mutex);
  auto list = std::make_shared<List>(*l.list);
  const std::size_t id = l.next_id++;
  list->emplace_back(id, std::move(listener));
  l.list = std::move(list);
  l.any.store(true, std::memory_order_release);
  return id;
}

void remove_write_listener(std::size_t id) {
  Listeners& l = listeners();
  std::lock_guard lock(l.mutex);
  auto list = std::make_shared<List>();
  for (const auto& entry : *l.list) {
    if (entry.first != id) list->push_back(entry);
  }
  l.any.store(!list->empty(), std::memory_order_release);
  l.list = std::move(list);
}

namespace detail {

bool write_listeners_exist() {
  return listeners().any.load(std::memory_order_acquire);
}

void emit_write(const WriteEvent& e) {
  std::shared_ptr<const List> list;
  {
    Listeners& l = listeners();
    std::lock_guard lock(l.mutex);
    list = l.list;
  }
  // Every listener hears the event, even after one has thrown (the query cache's
  // invalidation must not depend on an application's listener): the first exception is
  // rethrown once all have run.
  std::exception_ptr first;
  for (const auto& entry : *list) {
    try {
      entry.second(e);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
}

void note_written(WrittenTables& w, std::string_view table) {
  if (table.empty()) {
    w.all = true;
    return;
  }
  add_table(w.tables, table);
}

void emit_written(WriteEvent::When when, std::string_view alias, const WrittenTables& w) {
  emit_write(WriteEvent{when, alias, w.tables, w.all});
}

}  // namespace detail
}  // namespace quarry
