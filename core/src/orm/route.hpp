// The seam every ORM statement passes: which alias serves it, decided once, before it
// is compiled (the alias decides the dialect). Reads are asked of the routers'
// db_for_read and may then be served by a replica of that alias (detail::Lease); writes
// are asked of db_for_write and always run on the alias itself. quarry/routing.hpp says
// the rules; docs/architecture.md shows where this sits.
#pragma once

#include <string>
#include <string_view>

#include "orm/query.hpp"
#include "quarry/database.hpp"

namespace quarry::detail {

// Where a read runs.
struct ReadRoute {
  Database* db = nullptr;   // the alias chosen (its primary)
  bool replica_ok = false;  // one of its replicas may serve it: no atomic block is open
                            // on the alias, and it takes no row locks
};

// q.alias if using() set it; else the routers' db_for_read, hinted with the alias of the
// object the query starts from (q.hint_db). Throws ValueError, before any SQL, when the
// query joins models the routers place on other aliases and allow_relation() says no.
ReadRoute route_read(const Query& q);

// using_alias if given; else the routers' db_for_write, hinted with the object written
// and the alias it came from (instance_db, else the alias in its ModelState).
Database& route_write(const ModelMeta& m, std::string_view using_alias, const void* instance,
                      std::string_view instance_db = {});

// The application's own SQL (quarry/raw_sql.hpp): using_alias if given; else, with a
// model, where the routers read or write it (Hints::raw); else "default".
Database& route_raw(const ModelMeta* model, std::string_view using_alias, bool write);

// q, to be read where the routers place it for an object of alias hint_db (a related
// lookup from that object): a changed copy, unless using() chose its alias.
std::shared_ptr<const Query> hinted(std::shared_ptr<const Query> q, std::string_view hint_db);

// The ModelState alias of obj, or "".
std::string_view alias_of_object(const ModelMeta& m, const void* obj);

// allow_relation(): an object of a (on a_db) referring to one of b (on b_db); throws
// ValueError naming `what` when the routers do not allow it.
void check_relation(const ModelMeta& a, std::string_view a_db, const ModelMeta& b,
                    std::string_view b_db, const std::string& what);

}  // namespace quarry::detail
