// The featureless plugin, shaped as plugins/skeleton says, used only by the tests: SQLite
// through the sqlite plugin's own connection, statements and error mapping (linked from
// quarry_sqlite_parts, not copied), with a dialect that starts from SQLite's and turns
// every optional feature flag off. The whole backend suite runs on it (--backend=
// featureless): a test about a capability must skip by feature or take the core's
// fallback path, never fail because the vendor name is not the one it expected.
#include <memory>
#include <string_view>

#include "quarry/plugin/sdk.hpp"
#include "sqlite_connection.hpp"
#include "sqlite_dialect.hpp"

namespace featureless {

using namespace quarry;

// 1. The dialect: SQLite's spellings, none of its optional features.
std::unique_ptr<sdk::Dialect> make_dialect(std::string_view server_version) {
  auto d = sqlite::make_dialect(server_version);
  for (const char* flag : {
           "update_can_self_select",
           "supports_transactional_ddl",
           "has_returning",
           "can_return_rows_from_bulk_insert",
           "has_select_for_update",
           "has_select_for_update_nowait",
           "has_select_for_update_skip_locked",
           "has_select_for_update_of",
           "has_select_for_no_key_update",
           "supports_over_clause",
           "supports_frame_range_fixed_distance",
           "supports_partial_indexes",
           "supports_expression_indexes",
           "supports_check_constraints",
           "supports_cte",
           "supports_recursive_cte",
           "supports_nulls_order",
           "supports_aggregate_filter_clause",
           "supports_regex",
           "supports_timezones",
           "supports_distinct_on",
           "supports_select_intersection",
           "supports_select_difference",
           "supports_update_conflicts",
           "supports_ignore_conflicts",
           "supports_explain_analyze",
           "supports_parentheses_in_compound",
           "supports_streaming_results",
           "has_native_uuid_field",
           "has_native_json_field",
           "has_native_decimal_field",
           "has_native_boolean_field",
           "text_holds_nul",
           "patterns_hold_nul",
       }) {
    d->feature(flag, false);
  }
  // On, because SQLite's sessions are so and no setting of the plugin changes it:
  //   supports_transactions, uses_savepoints  the core has no path without them (it
  //     sends BEGIN and SAVEPOINT whatever they say), and SQLite has both;
  //   has_last_insert_id  with RETURNING off, the rowid SQLite reports is the only way
  //     the core learns a new row's key;
  //   runs_statements_while_streaming  an SQLite connection runs other statements while
  //     a result is being stepped through; off would promise a refusal it never makes.
  return d;
}

// 2. The connection, its statements and results, and 3. the errors: the sqlite plugin's.

struct Plugin {
  static constexpr const char* name = "featureless";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description =
      "SQLite with every optional feature off: the backend suite's fourth plugin";

  static std::unique_ptr<sdk::Dialect> make_dialect(std::string_view server_version) {
    return featureless::make_dialect(server_version);
  }
  static std::unique_ptr<sdk::Connection> connect(const sdk::ConnectParams& params) {
    return std::make_unique<sqlite::Connection>(params);
  }
};

}  // namespace featureless

QUARRY_PLUGIN(featureless::Plugin)
