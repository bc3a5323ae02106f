#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "pg_connection.hpp"
#include "pg_errors.hpp"

namespace quarry::postgres {

Statement::Statement(Connection& conn, std::string name) : conn_(conn), name_(std::move(name)) {}

Statement::~Statement() {
  result_.close();
  conn_.forget(std::move(name_));
}

sdk::Result& Statement::execute(std::span<const quarry_value> params, uint32_t flags) {
  conn_.require_idle();
  result_.close();
  params_.fill(params);
  PGconn* pg = conn_.pg();
  if (flags & QUARRY_EXEC_STREAM) {
    conn_.sent(PQsendQueryPrepared(pg, name_.c_str(), params_.count(), params_.values(),
                                   params_.lengths(), params_.formats(), 0));
    PQsetSingleRowMode(pg);
    conn_.set_streaming(true);
    result_.start_streamed();
  } else {
    conn_.sent(PQsendQueryPrepared(pg, name_.c_str(), params_.count(), params_.values(),
                                   params_.lengths(), params_.formats(), 0));
    PGresult* res = conn_.last_result();
    const ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      struct Clear {
        PGresult* r;
        ~Clear() { PQclear(r); }
      } clear{res};
      raise(pg, res);
    }
    result_.start_buffered(res);
  }
  return result_;
}

void Result::start_buffered(PGresult* res) {
  meta_ = res;
  streaming_ = false;
  row_ = 0;
  nrows_ = PQntuples(res);
  ncols_ = static_cast<std::size_t>(PQnfields(res));
  describe(res);
  const char* tuples = PQcmdTuples(res);
  affected_ = (tuples && *tuples) ? std::strtoll(tuples, nullptr, 10) : -1;
}

void Result::start_streamed() {
  streaming_ = true;
  stream_open_ = true;
  affected_ = -1;
  // The first part carries the column descriptions (and the first row, if any).
  PGresult* first = stmt_.conn_.next_result();
  const ExecStatusType st = PQresultStatus(first);
  if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    try {
      raise(stmt_.conn_.pg(), first);
    } catch (...) {
      PQclear(first);
      close();
      throw;
    }
  }
  meta_ = first;
  ncols_ = static_cast<std::size_t>(PQnfields(first));
  describe(first);
  first_row_pending_ = st == PGRES_SINGLE_TUPLE;
  if (!first_row_pending_) {
    // No rows at all: finish the query so the session is free at once.
    while (PGresult* r = stmt_.conn_.next_result()) PQclear(r);
    stream_open_ = false;
    stmt_.conn_.set_streaming(false);
  }
}

const char* Result::column_name(std::size_t index) const {
  return meta_ ? PQfname(meta_, static_cast<int>(index)) : nullptr;
}

void Result::describe(const PGresult* res) {
  scratch_.resize(ncols_);
  types_.resize(ncols_);
  for (std::size_t i = 0; i < ncols_; ++i) types_[i] = PQftype(res, static_cast<int>(i));
}

void Result::read_row(const PGresult* res, int row, quarry_value* out, std::size_t ncols) {
  ncols = std::min(ncols, ncols_);
  for (std::size_t i = 0; i < ncols; ++i) {
    const int c = static_cast<int>(i);
    if (PQgetisnull(res, row, c)) {
      out[i] = sdk::null_value();
      continue;
    }
    out[i] = decode(types_[i], PQgetvalue(res, row, c), PQgetlength(res, row, c), scratch_[i]);
  }
}

bool Result::next_streamed_row() {
  PGconn* pg = stmt_.conn_.pg();
  PQclear(current_);
  current_ = stmt_.conn_.next_result();
  const ExecStatusType st = PQresultStatus(current_);
  if (st == PGRES_SINGLE_TUPLE) return true;
  if (st == PGRES_TUPLES_OK) {  // the end: one more PQgetResult returns NULL
    PQclear(current_);
    current_ = nullptr;
    while (PGresult* r = stmt_.conn_.next_result()) PQclear(r);
    stream_open_ = false;
    stmt_.conn_.set_streaming(false);
    return false;
  }
  // An error part way (a division by zero at row 500): drain, then report it.
  PGresult* failed = current_;
  current_ = nullptr;
  while (PGresult* r = stmt_.conn_.next_result()) PQclear(r);
  stream_open_ = false;
  stmt_.conn_.set_streaming(false);
  struct Clear {
    PGresult* r;
    ~Clear() { PQclear(r); }
  } clear{failed};
  raise(pg, failed);
}

bool Result::fetch(quarry_value* out, std::size_t ncols) {
  if (!streaming_) {
    if (!meta_ || row_ >= nrows_) return false;
    read_row(meta_, row_++, out, ncols);
    return true;
  }
  if (first_row_pending_) {
    first_row_pending_ = false;
    read_row(meta_, 0, out, ncols);
    return true;
  }
  if (!stream_open_) return false;
  if (!next_streamed_row()) return false;
  read_row(current_, 0, out, ncols);
  return true;
}

void Result::close() {
  if (stream_open_ && stmt_.conn_.lost()) {  // given up on: nothing more to read
    stream_open_ = false;
    stmt_.conn_.set_streaming(false);
  }
  if (stream_open_) {
    // Abandoned part way: ask the server to stop sending, then discard what is on the way.
    PGconn* pg = stmt_.conn_.pg();
    if (PGcancel* cancel = PQgetCancel(pg)) {
      char err[256];
      PQcancel(cancel, err, sizeof err);
      PQfreeCancel(cancel);
    }
    while (PGresult* r = stmt_.conn_.next_result()) PQclear(r);
    stream_open_ = false;
    stmt_.conn_.set_streaming(false);
  }
  PQclear(current_);
  current_ = nullptr;
  PQclear(meta_);
  meta_ = nullptr;
  first_row_pending_ = false;
  row_ = nrows_ = 0;
}

}  // namespace quarry::postgres
