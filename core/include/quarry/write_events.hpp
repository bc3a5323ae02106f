// Write events: what the ORM's write funnel reports after each statement that changes
// rows or schema, and again after the outermost COMMIT of an atomic block. The seam the
// query cache listens on (docs/architecture.md), open to an application that must know
// what changed (its own caches, search indexes).
//
//   auto id = quarry::add_write_listener([](const quarry::WriteEvent& e) {
//     if (e.when == quarry::WriteEvent::When::Commit) ...;
//   });
//
// Guarantees:
// - Every write through the ORM is reported: save, create, update(), delete() and its
//   cascade (each table it changes), bulk_create, bulk_update, get_or_create,
//   update_or_create, many-to-many add/remove/clear/set, create_tables/drop_tables, and
//   execute_sql/query_sql (quarry/raw_sql.hpp), which quarry does not parse: their
//   events say all_tables.
// - A Statement event follows each statement that succeeded, on the thread that ran it,
//   in or out of an atomic block. A Commit event follows a transaction's end: at once
//   after a statement outside a block (autocommit), or after the outermost COMMIT of a
//   block with every table written in it (savepoints rolled back included: a listener
//   may be told of more than changed, never of less). A COMMIT that fails is reported
//   too, since its outcome may be unknown; a block rolled back reports no Commit.
// - SQL sent on a Connection directly (database().acquire(), atomic_connection(),
//   Atomic::connection()) is outside the ORM and reports nothing itself; a block whose
//   connection was handed out that way reports all_tables at its COMMIT.
// - Listeners run synchronously, on the writing thread, in the order they were added.
//   One that throws does not stop the others; once all have run, the first exception
//   reaches the write's caller (after the statement or COMMIT, which has happened).
//   Adding and removing are thread-safe.
// - A statement that fails in a way that leaves its outcome unknown (the connection was
//   lost: it may have been done before the session went) is reported as if it had
//   succeeded, before its error is thrown.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace quarry {

struct WriteEvent {
  enum class When { Statement, Commit };
  When when = When::Statement;
  std::string_view alias;               // the database written (a primary)
  std::span<const std::string> tables;  // the tables changed, sorted, each once
  bool all_tables = false;              // which is not known: any table of the alias
};

using WriteListener = std::function<void(const WriteEvent&)>;

// Adds a listener; the id removes it.
std::size_t add_write_listener(WriteListener listener);
void remove_write_listener(std::size_t id);

}  // namespace quarry
