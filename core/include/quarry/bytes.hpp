// Binary data (BinaryField, bytea, BLOB): a byte string that is never taken for text.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quarry {

class Bytes {
 public:
  Bytes() = default;
  explicit Bytes(std::string data) : data_(std::move(data)) {}
  explicit Bytes(std::string_view data) : data_(data) {}
  Bytes(const void* data, std::size_t size) : data_(static_cast<const char*>(data), size) {}
  explicit Bytes(const std::vector<uint8_t>& v) : data_(v.begin(), v.end()) {}

  const char* data() const { return data_.data(); }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  std::string_view view() const { return data_; }
  const std::string& str() const { return data_; }
  std::string& str() { return data_; }
  uint8_t operator[](std::size_t i) const { return static_cast<uint8_t>(data_[i]); }
  std::string to_hex() const;

  friend bool operator==(const Bytes&, const Bytes&) = default;
  friend auto operator<=>(const Bytes&, const Bytes&) = default;

 private:
  std::string data_;
};

}  // namespace quarry
