// The query cache's entry format (core/src/cache/stored_rows.hpp): the bytes a cache
// store hands back are outside input (another process, another version, a corrupted or
// hostile Redis). Any bytes are refused or read within bounds; bytes that are read
// encode back to themselves, byte for byte.
#include "cache/stored_rows.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace quarry::detail;
  const std::string bytes(quarry::fuzz::text(data, size));
  EntryHeader h;
  const bool header = read_header(bytes, h);
  const auto rows = read_rows(bytes);
  quarry::fuzz::require(!rows || header, "rows read from bytes whose header was refused");
  if (!rows) return 0;
  EntryWriter w;
  const std::vector<std::string> tokens(h.tokens.begin(), h.tokens.end());
  w.header(h.material, tokens);
  w.columns(rows->names);
  const std::size_t n = rows->names.size();
  for (std::size_t r = 0; r < rows->rows && n > 0; ++r) w.row(rows->cells.data() + r * n, n);
  // An entry of rows without columns says how many rows it had; the writer only counts
  // the rows it is given.
  if (n == 0) return 0;
  quarry::fuzz::require(w.take() == bytes, "an entry read and written again differs");
  return 0;
}
