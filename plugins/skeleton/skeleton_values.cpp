#include "skeleton_values.hpp"

#include "quarry/civil_time.hpp"

namespace skeleton {

using namespace quarry;

std::string to_text(const quarry_value& v) {
  char buf[civil::kDateTimeBuffer];
  switch (v.type) {
    case QUARRY_BOOL:
    case QUARRY_INT64:
      return std::to_string(v.u.i);
    case QUARRY_DATE:
      return {buf, civil::format_date(v.u.i, buf)};
    case QUARRY_TIME:
      return {buf, civil::format_time(v.u.i, buf)};
    case QUARRY_DATETIME:
      return {buf, civil::format_datetime(v.u.i, buf)};
    case QUARRY_DECIMAL:
    case QUARRY_TEXT:
    case QUARRY_JSON:
    case QUARRY_BYTES:
      return std::string(sdk::text_of(v));
    default:  // NULL, doubles, UUIDs: as your client takes them
      throw sdk::Error(QUARRY_ERR_NOT_SUPPORTED,
                       "the skeleton binds no value of type " + std::to_string(v.type));
  }
}

quarry_value from_text(std::string_view text, bool is_null) {
  return is_null ? sdk::null_value() : sdk::text_value(text);
}

}  // namespace skeleton
