// Values to and from PostgreSQL's text format.
//
// Parameters go as text (the server infers each type from where it is used) except
// bytes, which go in binary so a 10 MB blob is not hex-encoded. Results come as text
// and are decoded by the column's type OID.
#pragma once

#include <libpq-fe.h>

#include <span>
#include <string>
#include <vector>

#include "quarry/plugin/sdk.hpp"

namespace quarry::postgres {

// A value other than NULL and bytes in PostgreSQL's text form ("t", "12.50",
// "2024-05-01 10:00:00+00", a dashed UUID): what parameters and COPY rows are made of.
void append_text(std::string& out, const quarry_value& v);
// Bytes as COPY's text format takes a bytea: two backslashes, x, two hex digits a byte.
void append_bytea_hex(std::string& out, std::string_view bytes);

// Parameter arrays for PQexecPrepared, reusing their storage from call to call.
class ParamBuffer {
 public:
  void fill(std::span<const quarry_value> params);
  int count() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::string text_;  // every encoded parameter, back to back
  std::vector<const char*> values_;
  std::vector<int> lengths_, formats_;
  std::vector<std::size_t> offsets_;
};

// Decodes one column of the current row, by its type OID; `scratch` holds decoded bytea.
quarry_value decode(Oid type, const char* text, int length, std::string& scratch);

}  // namespace quarry::postgres
