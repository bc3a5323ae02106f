// Lookups of the application's own, as Django's Field.register_lookup: after
//
//   quarry::register_lookup({.name = "ne", .sql = "{lhs} <> {rhs}"});
//
// filter("marks__ne", 3) reads the rows whose marks are not 3, on every backend.
//
// What it guarantees:
// - The value is always a bound parameter (converted to the column's kind, as exact's
//   is) or an F() expression, never text pasted into the SQL; {lhs} is the column (with
//   its transforms: "created_at__year__ne") quoted by the dialect.
// - The name is checked when it is registered: ASCII lower-case letters, digits and
//   single '_' between them (so that it cannot be mistaken for the "__" separator), not
//   a lookup or transform that exists already. The template may hold only the slots
//   {lhs} and {rhs} (each at least once; "{{" and "}}" are braces) and no parameter
//   marker of its own ('?'). A bad one is refused with ValueError naming it.
// - Registration is process-wide and for good (there is no unregistering). Register at
//   start-up, before queries are built: it is safe to register while other threads
//   compile queries (they see the lookup, or an unknown-lookup FieldError if they ran
//   first), but a query built before the lookup was registered was refused then.
// - An unknown lookup is the same FieldError as ever ("Unsupported lookup 'x' for ...").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "quarry/fields.hpp"

namespace quarry {

struct CustomLookup {
  // "ne": the last part of "marks__ne".
  std::string name;
  // The SQL, with {lhs} for the column and {rhs} for the value: "{lhs} <> {rhs}".
  std::string sql;
  // The kinds of column it applies to (after transforms: a year is an IntegerField, a
  // ForeignKey is its target's key); empty: every kind. On another kind the lookup is a
  // FieldError naming the kinds it takes.
  std::vector<FieldKind> applies_to = {};
  // Another template for some engines, by engine name ("sqlite", "postgres", "mysql").
  std::vector<std::pair<std::string, std::string>> sql_for = {};
};

// Adds a lookup for every query of the process; ValueError for a bad name or template.
void register_lookup(CustomLookup lookup);

}  // namespace quarry
