// Internal: raising write events (quarry/write_events.hpp) from the write funnel
// (orm/lease.hpp) and the outermost COMMIT (atomic.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "quarry/write_events.hpp"

namespace quarry::detail {

// The tables a statement or a transaction changed: sorted, each once; `all` when one of
// them is not known.
struct WrittenTables {
  std::vector<std::string> tables;
  bool all = false;
};

bool write_listeners_exist();
void emit_write(const WriteEvent& e);
// Adds a table ("" for one not known) to w.
void note_written(WrittenTables& w, std::string_view table);
void emit_written(WriteEvent::When when, std::string_view alias, const WrittenTables& w);

}  // namespace quarry::detail
