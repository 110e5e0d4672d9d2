#pragma once
// The fast path for the rows Ariel actually sends: one flat JSON object whose values are
// strings, numbers, booleans or null, in valid UTF-8. The scanner accepts only what it has
// checked completely. Anything else (nesting, \u escapes, control characters, a malformed
// number, invalid UTF-8, trailing bytes) is declined, and the caller hands the row to the full
// parser, which then has the last word, error or not. results_fuzz checks that the two agree
// on every row the fast path accepts.
#include <cstddef>
#include <string>
#include <string_view>

namespace aihunt::results {

enum class ScalarKind { kString, kNumber, kBoolean, kNull };

struct FlatMember {
  std::string_view key;  // as written; a key with an escape is declined, so it is also the key
  bool key_was_expected = false;  // the key is the one expected_key named for this position
  ScalarKind kind = ScalarKind::kNull;
  // Strings unescaped (a view into the row, or into the scratch buffer when the string had
  // escapes); numbers and booleans as written; empty for null.
  std::string_view value;
};

class FlatRowScanner {
 public:
  // Calls on_member(position, member) for each member in order, then returns true; or returns
  // false (declined) at the first thing it does not fully check, possibly after some calls.
  // Views stay valid while `row` does and until the next scan. expected_key(position) names
  // the key the caller expects there (rows of one result share their key order), or is empty:
  // a key that is exactly the expected one is taken without scanning it. An expected key must
  // be plain: valid UTF-8 without '"', '\\' or control characters.
  template <typename ExpectedKey, typename OnMember>
  bool scan(std::string_view row, ExpectedKey&& expected_key, OnMember&& on_member);

 private:
  enum class Step { kMember, kEnd, kDecline };
  // Reads one member at row_[at_], leaving at_ after it and its ',' or '}'.
  Step next(std::string_view expected_key, FlatMember& member);
  bool readString(std::string_view& out, bool allow_escapes);
  // The first '"', '\\' or control character at or after `from`, or the row's size.
  [[nodiscard]] std::size_t nextStringStop(std::size_t from) const;
  bool readNumber(std::string_view& out);
  bool readLiteral(std::string_view literal, std::string_view& out);
  void skipSpace();
  bool start(std::string_view row);

  std::string_view row_;
  std::size_t at_ = 0;
  bool closed_ = false;  // the closing '}' has been read
  std::string scratch_;  // unescaped strings; reserved to the row's size so views stay put
};

template <typename ExpectedKey, typename OnMember>
bool FlatRowScanner::scan(std::string_view row, ExpectedKey&& expected_key, OnMember&& on_member) {
  if (!start(row)) return false;
  FlatMember member;
  for (std::size_t position = 0;; ++position) {
    switch (next(expected_key(position), member)) {
      case Step::kMember:
        on_member(position, member);
        break;
      case Step::kEnd:
        return true;
      case Step::kDecline:
        return false;
    }
  }
}

}  // namespace aihunt::results
