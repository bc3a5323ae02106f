#include "pg_dialect.hpp"

#include "quarry/plugin/version.hpp"

namespace quarry::postgres {

std::unique_ptr<sdk::Dialect> make_dialect(std::string_view version_text) {
  // Without a server, describe the newest PostgreSQL this plugin knows.
  const sdk::ServerVersion v =
      version_text.empty() ? sdk::ServerVersion{17, 0, 0} : sdk::ServerVersion::parse(version_text);
  auto d = std::make_unique<sdk::Dialect>();

  d->set("placeholder", "$");
  d->set("max_params", "65535");
  d->set("max_identifier_length", "63");

  d->set("type.FloatField", "double precision");
  d->set("type.DateTimeField", "timestamp with time zone");  // Django with USE_TZ
  d->set("type.JSONField", "jsonb");
  d->set("type.UUIDField", "uuid");
  d->set("type.BinaryField", "bytea");

  // Case-insensitive lookups compare upper-cased text (any column type, cast to text).
  d->set("lookup.iexact", "UPPER({lhs}::text) = UPPER({rhs})");
  for (const char* l : {"icontains", "istartswith", "iendswith"}) {
    d->set(std::string("lookup.") + l, "UPPER({lhs}::text) LIKE UPPER({rhs})");
  }
  d->set("transform.second", "EXTRACT(SECOND FROM DATE_TRUNC('second', {lhs}))");
  d->set("func.Now", "STATEMENT_TIMESTAMP()");  // differs from statement to statement

  d->feature("supports_transactional_ddl", true);
  d->feature("has_returning", true);
  d->feature("can_return_rows_from_bulk_insert", true);
  d->feature("has_select_for_update", true);
  d->feature("has_select_for_update_nowait", true);
  d->feature("has_select_for_update_skip_locked", v >= sdk::ServerVersion{9, 5});
  d->feature("has_select_for_update_of", true);
  d->feature("has_select_for_no_key_update", true);
  d->feature("supports_over_clause", true);
  d->feature("supports_frame_range_fixed_distance", v >= sdk::ServerVersion{11});
  d->feature("supports_partial_indexes", true);
  d->feature("supports_expression_indexes", true);
  d->feature("supports_nulls_order", true);
  d->feature("supports_aggregate_filter_clause", true);
  d->feature("supports_regex", true);
  d->feature("supports_timezones", true);
  d->feature("supports_distinct_on", true);
  d->feature("supports_update_conflicts", v >= sdk::ServerVersion{9, 5});
  d->feature("supports_ignore_conflicts", v >= sdk::ServerVersion{9, 5});
  d->feature("supports_explain_analyze", true);
  d->feature("has_native_uuid_field", true);
  d->feature("has_native_json_field", true);
  return d;
}

}  // namespace quarry::postgres
