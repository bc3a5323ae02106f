// Read-your-writes: the primary's position after each commit (a causal token), and
// whether a replica has replayed every token the current reader depends on.
#pragma once

#include <cstddef>

namespace quarry {
class Connection;
class Database;
}  // namespace quarry

namespace quarry::detail {

class ReplicaSet;

// After a commit on `primary` (an alias with replicas) through conn: notes the primary's
// position for this thread and for the ReadYourWrites bound on it. One query.
void note_commit(Database& primary, Connection& conn);

// Whether replica i of the set has replayed every position the reads of this thread
// depend on (its own commits, and its bound ReadYourWrites's); asks conn, a connection
// to that replica, about the positions not yet seen replayed there.
bool caught_up(ReplicaSet& set, std::size_t i, Connection& conn);

}  // namespace quarry::detail
