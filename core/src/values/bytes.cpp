#include "quarry/bytes.hpp"

namespace quarry {

std::string Bytes::to_hex() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(data_.size() * 2);
  for (char c : data_) {
    const auto b = static_cast<unsigned char>(c);
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

}  // namespace quarry
