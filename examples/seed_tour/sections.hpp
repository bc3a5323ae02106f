// The parts of the seed tour, one per part of the seed guide.
#pragma once

#include "tour.hpp"

namespace tour {

// Tables and sample rows for every seed model, on the configured database.
void setup(Tour& t);
// "Django ORM Internals & Query Optimization", sections 1-3 and 6-8.
void basics(Tour& t);
// Sections 4, 5, 8.1 and 9: select_related, prefetch_related, N+1, the complex query.
void relations(Tour& t);
// "Advanced Django ORM & Database Optimization Topics" that quarry runs so far.
void advanced(Tour& t);
// "Technical Documentation: Django models.Manager", sections 3-8 and 12.
void managers(Tour& t);
// Multiple databases: a read routed (to a replica, where the config has one) and a read
// of one's own write.
void routing(Tour& t);
// Advanced topic 12, caching strategies: get_top_customers() through the query cache.
void caching(Tour& t);
void teardown(Tour& t);

}  // namespace tour
