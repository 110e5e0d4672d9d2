#pragma once
// Internal: values as bytes, for group keys (compared byte for byte) and for the spool files of
// ORDER BY and GROUP BY past their memory budget. A value is its kind (one byte), then 8 bytes
// for a number, '0' or '1' for a boolean, a u32 length and the bytes for text; native byte
// order, since the bytes never outlive the process.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "aql/compiled.h"
#include "aql/value.h"

namespace aihunt::aql::detail {

template <typename T>
void appendRaw(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void appendText(std::string& out, std::string_view text);  // u32 length, then the bytes
void appendValue(std::string& out, const Val& value);

// Reads what the append functions wrote; every read fails once the bytes run out.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : rest_(bytes) {}

  template <typename T>
  bool raw(T& value) {
    if (rest_.size() < sizeof(T)) return false;
    std::memcpy(&value, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    return true;
  }
  bool text(std::string_view& out);
  bool value(Value& out);
  [[nodiscard]] bool done() const { return rest_.empty(); }
  [[nodiscard]] const char* position() const { return rest_.data(); }

 private:
  std::string_view rest_;
};

}  // namespace aihunt::aql::detail
