#pragma once
// A field value as Ariel returns it: null, boolean, 64-bit integer, double or text.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace aihunt::aql {

class Value {
 public:
  enum class Kind : std::uint8_t { kNull, kBool, kInt, kDouble, kString };

  Value() = default;
  static Value null() { return Value(); }
  static Value boolean(bool b) { return Value(Storage(std::in_place_index<1>, b)); }
  static Value integer(std::int64_t i) { return Value(Storage(std::in_place_index<2>, i)); }
  static Value real(double d) { return Value(Storage(std::in_place_index<3>, d)); }
  static Value string(std::string s) {
    return Value(Storage(std::in_place_index<4>, std::move(s)));
  }

  // Sets text, reusing this value's string buffer when it already holds one: a decoder that
  // fills the same event row after row then allocates only when a value outgrows its buffer.
  void assignString(std::string_view s) {
    if (auto* text = std::get_if<std::string>(&storage_)) {
      text->assign(s);
    } else {
      storage_.emplace<std::string>(s);
    }
  }

  [[nodiscard]] Kind kind() const { return static_cast<Kind>(storage_.index()); }
  [[nodiscard]] bool isNull() const { return kind() == Kind::kNull; }
  [[nodiscard]] bool asBool() const { return std::get<1>(storage_); }
  [[nodiscard]] std::int64_t asInt() const { return std::get<2>(storage_); }
  [[nodiscard]] double asDouble() const { return std::get<3>(storage_); }
  [[nodiscard]] const std::string& asString() const { return std::get<4>(storage_); }

  // Text as Ariel's JSON would show it, for tables and tests ("null" for null).
  [[nodiscard]] std::string toString() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  using Storage = std::variant<std::monostate, bool, std::int64_t, double, std::string>;
  explicit Value(Storage storage) : storage_(std::move(storage)) {}
  Storage storage_;
};

}  // namespace aihunt::aql
