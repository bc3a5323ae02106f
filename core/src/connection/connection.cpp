#include "quarry/connection.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>

#include "connection/statement_cache.hpp"
#include "plugin/plugin_error.hpp"
#include "quarry/engine.hpp"
#include "quarry/errors.hpp"
#include "values/text_check.hpp"

namespace quarry {
namespace {

// Values handed to a plugin as ABI values, borrowing from the Values; decimals need
// their text written somewhere, so each value gets a scratch buffer. Small parameter
// lists live on the stack.
class AbiParams {
 public:
  explicit AbiParams(std::span<const Value> values) {
    if (values.size() > kInline) {
      heap_.resize(values.size());
      scratch_heap_.resize(values.size());
    }
    quarry_value* out = data();
    for (std::size_t i = 0; i < values.size(); ++i) {
      out[i] = values[i].to_abi(values.size() > kInline ? scratch_heap_[i].buf : scratch_[i].buf);
    }
    size_ = values.size();
  }
  std::span<const quarry_value> span() const { return {data(), size_}; }

 private:
  static constexpr std::size_t kInline = 16;
  struct Scratch {
    char buf[Decimal::kTextBuffer];
  };
  quarry_value* data() { return heap_.empty() ? inline_ : heap_.data(); }
  const quarry_value* data() const { return heap_.empty() ? inline_ : heap_.data(); }

  quarry_value inline_[kInline];
  Scratch scratch_[kInline];
  std::vector<quarry_value> heap_;
  std::vector<Scratch> scratch_heap_;
  std::size_t size_ = 0;
};

}  // namespace

Connection::Connection(std::shared_ptr<const Engine> engine, quarry_connection* handle,
                       std::string alias, std::shared_ptr<QueryLog> log,
                       std::size_t statement_cache_size)
    : engine_(std::move(engine)),
      api_(&engine_->table()),
      handle_(handle),
      alias_(std::move(alias)),
      log_(std::move(log)),
      cache_(std::make_unique<detail::StatementCache>(api_, statement_cache_size)) {
  const char* v = api_->server_version(handle_);
  server_version_ = v ? v : "";
}

Connection::~Connection() {
  close();
}

void Connection::close() noexcept {
  if (!handle_) return;
  while (!open_results_.empty()) open_results_.back()->close();
  cache_->clear();
  api_->disconnect(handle_);
  handle_ = nullptr;
}

void Connection::fail(const quarry_error& err, std::string_view sql) {
  // What the database refused breaks the transaction; misuse of the client (a busy
  // connection) sent nothing and changes nothing.
  if (err.error_class != QUARRY_ERR_INTERFACE) transaction_failed_ = in_transaction_;
  try {
    throw_plugin_error(err, sql, alias_);
  } catch (const Error& e) {
    // The one rule, the pool's too (through is_usable()): Error::poisons_connection().
    if (e.poisons_connection()) broken_ = true;
    throw;
  }
}

void Connection::throw_no_rows(std::string_view sql) const {
  throw ProgrammingError("the query returned no rows",
                         ErrorContext{{}, 0, std::string(sql), alias_});
}

void Connection::require_open(std::string_view sql) const {
  if (!handle_) {
    throw ConnectionLost("the connection is closed", ErrorContext{{}, 0, std::string(sql), alias_});
  }
}

detail::StatementEntry* Connection::statement_for(std::string_view sql, bool cache,
                                                  quarry_error* err) {
  if (cache) {
    if (auto* e = cache_->find_idle(sql)) return e;
  }
  quarry_statement* stmt = nullptr;
  if (api_->prepare(handle_, sql.data(), sql.size(), &stmt, err) != 0) return nullptr;
  ++prepared_count_;
  return cache_->adopt(sql, stmt, cache);
}

void Connection::check_values(std::string_view sql, std::span<const quarry_value> values,
                              std::span<const std::string> columns) const {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const quarry_value& v = values[i];
    std::string problem;
    if (v.type == QUARRY_TEXT || v.type == QUARRY_JSON) {
      const detail::TextScan scan = detail::scan_text({v.u.s.ptr, v.u.s.len});
      problem = detail::text_problem(scan, text_holds_nul_ || scan.nul_at == detail::TextScan::npos
                                               ? std::string()
                                               : dialect_->engine_name() + " text");
    } else if (v.type == QUARRY_DOUBLE && !std::isfinite(v.u.d)) {
      problem =
          "a float that is not a finite number (NaN and infinities are refused on every "
          "backend)";
    }
    if (problem.empty()) continue;
    const std::string what = columns.empty()
                                 ? "parameter " + std::to_string(i + 1)
                                 : "column '" + columns[i % columns.size()] + "' of row " +
                                       std::to_string(i / columns.size() + 1);
    throw DataError("the value of " + what + " has " + problem + "; nothing was sent",
                    ErrorContext{{}, 0, std::string(sql), alias_});
  }
}

void Connection::give_back(detail::StatementEntry* entry) noexcept {
  cache_->give_back(entry);
}

void Connection::note(std::string_view sql, std::span<const quarry_value> params,
                      std::chrono::steady_clock::time_point start, const quarry_error* err) {
  QueryEvents::record(*log_, alias_, sql, params,
                      std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start),
                      err ? std::string_view(err->message ? err->message : "failed") : "");
}

ResultSet Connection::query_raw(std::string_view sql, std::span<const quarry_value> params,
                                ExecOptions opts) {
  require_open(sql);
  check_values(sql, params, {});
  const bool timed = QueryEvents::wants(*log_);
  const auto start =
      timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
  quarry_error err{};
  // A statement the server refuses while preparing it was sent all the same: it is logged
  // with its outcome as one it refuses while running.
  detail::StatementEntry* stmt = statement_for(sql, opts.cache, &err);
  quarry_result* res = nullptr;
  const uint32_t flags =
      (opts.stream ? QUARRY_EXEC_STREAM : 0u) | (opts.drain ? QUARRY_EXEC_DRAIN : 0u);
  if (stmt && api_->execute(stmt->handle, params.data(), params.size(), flags, &res, &err) == 0) {
    if (timed) note(sql, params, start, nullptr);
    return ResultSet(this, stmt, res);
  }
  // Copy the message before anything else calls into the plugin.
  const std::string message = err.message ? err.message : "";
  quarry_error copy = err;
  copy.message = message.c_str();
  if (timed) note(sql, params, start, &copy);
  if (stmt) give_back(stmt);
  fail(copy, sql);
}

ResultSet Connection::query(std::string_view sql, std::span<const Value> params, ExecOptions opts) {
  AbiParams abi(params);
  return query_raw(sql, abi.span(), opts);
}

int64_t Connection::execute(std::string_view sql, std::span<const Value> params) {
  ResultSet rs = query(sql, params);
  return rs.affected_rows();
}

void Connection::execute_script(std::string_view sql) {
  require_open(sql);
  const bool timed = QueryEvents::wants(*log_);
  const auto start =
      timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
  quarry_error err{};
  const int rc = api_->execute_script(handle_, sql.data(), sql.size(), &err);
  if (timed) note(sql, {}, start, rc != 0 ? &err : nullptr);
  if (rc != 0) fail(err, sql);
}

bool Connection::bulk_insert(const std::string& table, std::span<const std::string> columns,
                             std::span<const quarry_value> rows, const std::string& key_column,
                             std::span<int64_t> keys) {
  const quarry_plugin& api = *api_;
  if (!engine_->has(offsetof(quarry_plugin, bulk_insert)) || !api.bulk_insert) return false;
  if (columns.empty() || rows.size() % columns.size() != 0) {
    throw ProgrammingError("bulk_insert: " + std::to_string(rows.size()) +
                           " values do not make whole rows of " + std::to_string(columns.size()) +
                           " columns");
  }
  const std::size_t nrows = rows.size() / columns.size();
  if (!key_column.empty() && keys.size() != nrows) {
    throw ProgrammingError("bulk_insert: " + std::to_string(keys.size()) + " key slots for " +
                           std::to_string(nrows) + " rows");
  }
  std::string what = "BULK INSERT INTO " + table + " (";
  std::vector<const char*> names;
  names.reserve(columns.size());
  for (const auto& c : columns) {
    what += (names.empty() ? "" : ", ") + c;
    names.push_back(c.c_str());
  }
  what += ") -- " + std::to_string(nrows) + " rows";
  require_open(what);
  check_values(what, rows, columns);
  quarry_bulk_insert in{};
  in.struct_size = sizeof in;
  in.table = table.c_str();
  in.columns = names.data();
  in.ncolumns = names.size();
  in.rows = rows.data();
  in.nrows = nrows;
  in.key_column = key_column.empty() ? nullptr : key_column.c_str();
  in.keys = key_column.empty() ? nullptr : keys.data();
  const bool timed = QueryEvents::wants(*log_);
  const auto start =
      timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
  quarry_error err{};
  const int rc = api.bulk_insert(handle_, &in, &err);
  if (rc == 1) return false;  // declined: nothing was written, nothing to log
  if (timed) note(what, {}, start, rc != 0 ? &err : nullptr);
  if (rc != 0) fail(err, what);
  return true;
}

void Connection::run_control(std::string_view sql) {
  execute_script(sql);
}

void Connection::begin() {
  if (in_transaction_) {
    throw TransactionManagementError("a transaction is already open on this connection",
                                     ErrorContext{{}, 0, {}, alias_});
  }
  run_control(begin_sql_.empty() ? dialect_->text("tx.begin") : std::string_view(begin_sql_));
  in_transaction_ = true;
  transaction_failed_ = false;
}

void Connection::commit() {
  if (!in_transaction_) {
    throw TransactionManagementError("commit() without an open transaction",
                                     ErrorContext{{}, 0, {}, alias_});
  }
  // Whatever COMMIT reports, the transaction is over: a failed COMMIT rolls back.
  in_transaction_ = false;
  transaction_failed_ = false;
  run_control(dialect_->text("tx.commit"));
}

void Connection::rollback() {
  if (!in_transaction_) {
    throw TransactionManagementError("rollback() without an open transaction",
                                     ErrorContext{{}, 0, {}, alias_});
  }
  in_transaction_ = false;
  transaction_failed_ = false;
  if (!is_usable()) return;
  try {
    run_control(dialect_->text("tx.rollback"));
  } catch (...) {
    broken_ = true;  // the transaction may still be open: never hand this session out again
    throw;
  }
}

std::string Connection::savepoint() {
  if (!in_transaction_) {
    throw TransactionManagementError("savepoint() needs an open transaction",
                                     ErrorContext{{}, 0, {}, alias_});
  }
  std::string name = "quarry_sp_" + std::to_string(++savepoint_seq_);
  run_control(dialect_->render("tx.savepoint", {{"name", dialect_->quote(name)}}));
  return name;
}

void Connection::release_savepoint(std::string_view name) {
  run_control(dialect_->render("tx.release", {{"name", dialect_->quote(name)}}));
}

void Connection::rollback_to_savepoint(std::string_view name) {
  run_control(dialect_->render("tx.rollback_to", {{"name", dialect_->quote(name)}}));
  transaction_failed_ = false;  // what failed after the savepoint is undone
}

void Connection::ping() {
  require_open("-- ping");
  quarry_error err{};
  if (api_->ping(handle_, &err) != 0) {
    // A failed ping means the session is lost, whatever the plugin called it.
    err.error_class = QUARRY_ERR_CONNECTION_LOST;
    fail(err, "-- ping");
  }
}

void* Connection::native_handle() {
  require_open({});
  return api_->native_handle(handle_);
}

std::size_t Connection::cached_statements() const {
  return cache_->size();
}

}  // namespace quarry
