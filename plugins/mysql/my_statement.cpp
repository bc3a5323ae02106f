#include <cstring>

#include "my_connection.hpp"
#include "my_errors.hpp"
#include "my_values.hpp"

namespace quarry::mysql {
namespace {

constexpr unsigned long kStreamBuffer = 256;  // grown on demand for longer values
constexpr unsigned int kBinaryCharset = 63;

}  // namespace

Statement::Statement(Connection& conn, MYSQL_STMT* stmt) : conn_(conn), stmt_(stmt) {
  // Buffered results learn each column's longest value, so one buffer size fits all rows.
  my_bool on = 1;
  mysql_stmt_attr_set(stmt_, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
}

Statement::~Statement() {
  result_.close();
  mysql_stmt_close(stmt_);
}

void Statement::bind(std::span<const quarry_value> params) {
  const unsigned long expected = mysql_stmt_param_count(stmt_);
  if (params.size() != expected) {
    throw sdk::Error(QUARRY_ERR_PROGRAMMING, "the statement takes " + std::to_string(expected) +
                                                 " parameters, " + std::to_string(params.size()) +
                                                 " were given");
  }
  param_binds_.assign(params.size(), MYSQL_BIND{});
  param_times_.assign(params.size(), MYSQL_TIME{});
  param_text_.clear();
  param_text_.reserve(params.size() * 36);  // UUID text; never reallocated below
  for (std::size_t i = 0; i < params.size(); ++i) {
    const quarry_value& v = params[i];
    MYSQL_BIND& b = param_binds_[i];
    b.buffer_type = field_type_of(v.type);
    switch (v.type) {
      case QUARRY_NULL:
        break;
      case QUARRY_BOOL:
      case QUARRY_INT64:
        b.buffer = const_cast<int64_t*>(&v.u.i);
        break;
      case QUARRY_DOUBLE:
        b.buffer = const_cast<double*>(&v.u.d);
        break;
      case QUARRY_DECIMAL:
      case QUARRY_TEXT:
      case QUARRY_JSON:
      case QUARRY_BYTES:
        b.buffer = const_cast<char*>(v.u.s.ptr);
        b.buffer_length = static_cast<unsigned long>(v.u.s.len);
        break;
      case QUARRY_DATE:
      case QUARRY_TIME:
      case QUARRY_DATETIME:
        param_times_[i] = to_mysql_time(v);
        b.buffer = &param_times_[i];
        break;
      case QUARRY_UUID: {
        // MariaDB's uuid type takes the dashed form; char(32) columns the bare hex.
        const std::size_t start = param_text_.size();
        append_uuid(param_text_, v, conn_.native_uuid());
        b.buffer = param_text_.data() + start;
        b.buffer_length = static_cast<unsigned long>(param_text_.size() - start);
        break;
      }
      default:
        throw sdk::Error(QUARRY_ERR_INTERFACE, "parameter " + std::to_string(i + 1) +
                                                   " has unknown type " + std::to_string(v.type));
    }
  }
  if (!params.empty() && mysql_stmt_bind_param(stmt_, param_binds_.data())) raise(stmt_);
}

sdk::Result& Statement::execute(std::span<const quarry_value> params, uint32_t flags) {
  conn_.require_idle();
  result_.close();
  bind(params);
  if (mysql_stmt_execute(stmt_) != 0) raise(stmt_);
  // Unbuffered fetch also when the caller drains the result at once: it skips
  // mysql_stmt_store_result's copy of every row.
  result_.start((flags & (QUARRY_EXEC_STREAM | QUARRY_EXEC_DRAIN)) != 0);
  return result_;
}

void Result::start(bool stream) {
  MYSQL_STMT* s = stmt_.stmt_;
  insert_id_.reset();
  meta_ = mysql_stmt_result_metadata(s);
  if (!meta_) {  // INSERT, UPDATE, DELETE ...
    affected_ = static_cast<int64_t>(mysql_stmt_affected_rows(s));
    if (const auto id = mysql_stmt_insert_id(s); id != 0) insert_id_ = static_cast<int64_t>(id);
    columns_.clear();
    return;
  }
  open_ = true;
  streaming_ = stream;
  if (stream) {
    stmt_.conn_.set_streaming(true);
  } else if (mysql_stmt_store_result(s) != 0) {
    // Read the error before close(): freeing the result clears it. (An INSERT ...
    // RETURNING reports a constraint failure here, not at execute.)
    try {
      raise(s);
    } catch (...) {
      close();
      // The failed result leaves the statement half way through its protocol; without
      // a reset the next execute waits forever for an answer that never comes.
      mysql_stmt_reset(s);
      throw;
    }
  }
  affected_ = stream ? -1 : static_cast<int64_t>(mysql_stmt_num_rows(s));
  if (const auto id = mysql_stmt_insert_id(s); id != 0) insert_id_ = static_cast<int64_t>(id);
  bind_columns(!stream);
}

void Result::bind_columns(bool sized_by_max_length) {
  const unsigned int n = mysql_num_fields(meta_);
  MYSQL_FIELD* fields = mysql_fetch_fields(meta_);
  columns_.resize(n);
  binds_.assign(n, MYSQL_BIND{});
  for (unsigned int i = 0; i < n; ++i) {
    const MYSQL_FIELD& f = fields[i];
    Column& c = columns_[i];
    MYSQL_BIND& b = binds_[i];
    c.is_null = c.error = 0;
    c.length = 0;
    // Numbers and times have a buffer of their own type; text and bytes a growable one.
    auto fixed = [&](Column::Kind kind, enum_field_types type, void* buffer) {
      c.kind = kind;
      b.buffer_type = type;
      b.buffer = buffer;
    };
    auto as_buffer = [&](Column::Kind kind) {
      c.kind = kind;
      const unsigned long size =
          sized_by_max_length ? std::max<unsigned long>(f.max_length, 1) : kStreamBuffer;
      if (c.buffer.size() < size) c.buffer.resize(size);
      b.buffer_type = MYSQL_TYPE_STRING;
      b.buffer = c.buffer.data();
      b.buffer_length = static_cast<unsigned long>(c.buffer.size());
    };
    switch (f.type) {
      case MYSQL_TYPE_TINY:
      case MYSQL_TYPE_SHORT:
      case MYSQL_TYPE_LONG:
      case MYSQL_TYPE_INT24:
      case MYSQL_TYPE_LONGLONG:
      case MYSQL_TYPE_YEAR:
        fixed((f.flags & UNSIGNED_FLAG) ? Column::UInt : Column::Int, MYSQL_TYPE_LONGLONG, &c.i);
        b.is_unsigned = (f.flags & UNSIGNED_FLAG) ? 1 : 0;
        break;
      case MYSQL_TYPE_FLOAT:
      case MYSQL_TYPE_DOUBLE:
        fixed(Column::Double, MYSQL_TYPE_DOUBLE, &c.d);
        break;
      case MYSQL_TYPE_DATE:
      case MYSQL_TYPE_NEWDATE:
        fixed(Column::Date, MYSQL_TYPE_DATE, &c.time);
        break;
      case MYSQL_TYPE_TIME:
        fixed(Column::Time, MYSQL_TYPE_TIME, &c.time);
        break;
      case MYSQL_TYPE_DATETIME:
      case MYSQL_TYPE_TIMESTAMP:
        fixed(Column::DateTime, MYSQL_TYPE_DATETIME, &c.time);
        break;
      case MYSQL_TYPE_DECIMAL:
      case MYSQL_TYPE_NEWDECIMAL:
        as_buffer(Column::Decimal);
        break;
      case MYSQL_TYPE_JSON:
        as_buffer(Column::Json);
        break;
      case MYSQL_TYPE_BIT:
        as_buffer(Column::Bytes);
        break;
      default:  // strings, blobs, enums, sets, geometry
        as_buffer(f.charsetnr == kBinaryCharset ? Column::Bytes : Column::Text);
        break;
    }
    b.length = &c.length;
    b.is_null = &c.is_null;
    b.error = &c.error;
  }
  if (mysql_stmt_bind_result(stmt_.stmt_, binds_.data()) != 0) raise(stmt_.stmt_);
}

const char* Result::column_name(std::size_t index) const {
  if (!meta_) return nullptr;
  return mysql_fetch_fields(meta_)[index].name;
}

bool Result::fetch(quarry_value* row, std::size_t ncols) {
  if (!open_) return false;
  MYSQL_STMT* s = stmt_.stmt_;
  const int rc = mysql_stmt_fetch(s);
  if (rc == MYSQL_NO_DATA) {
    if (streaming_) stmt_.conn_.set_streaming(false);
    return false;
  }
  if (rc == 1) {
    if (streaming_) stmt_.conn_.set_streaming(false);
    try {
      raise(s);
    } catch (...) {
      mysql_stmt_reset(s);  // as in start(): leave the statement ready to run again
      throw;
    }
  }
  if (rc == MYSQL_DATA_TRUNCATED) {
    // A streamed value longer than its buffer: grow the buffer and read that column again.
    bool rebind = false;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      Column& c = columns_[i];
      if (!c.error || c.is_null || c.length <= c.buffer.size()) continue;
      c.buffer.resize(c.length);
      binds_[i].buffer = c.buffer.data();
      binds_[i].buffer_length = static_cast<unsigned long>(c.buffer.size());
      if (mysql_stmt_fetch_column(s, &binds_[i], static_cast<unsigned int>(i), 0) != 0) raise(s);
      rebind = true;
    }
    if (rebind && mysql_stmt_bind_result(s, binds_.data()) != 0) raise(s);
  }
  for (std::size_t i = 0; i < ncols && i < columns_.size(); ++i)
    row[i] = value_of(columns_[i], scratch_);
  return true;
}

void Result::close() {
  if (open_) {
    // For a streamed result this also reads and drops the rows still on the way.
    mysql_stmt_free_result(stmt_.stmt_);
    if (streaming_) stmt_.conn_.set_streaming(false);
    open_ = false;
  }
  if (meta_) {
    mysql_free_result(meta_);
    meta_ = nullptr;
  }
  streaming_ = false;
}

}  // namespace quarry::mysql
