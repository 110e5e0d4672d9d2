#pragma once
// SQL LIKE: '%' any run, '_' one byte; a backslash makes the next '%', '_' or '\' literal (a
// backslash before anything else is itself literal, so Windows paths read naturally). LIKE is
// case-sensitive, ILIKE ASCII case-insensitive. Matching is O(text x pattern) at worst: no
// backtracking blow-up.
#include <string>
#include <string_view>
#include <vector>

namespace aihunt::aql {

class LikePattern {
 public:
  LikePattern(std::string_view pattern, bool case_insensitive);

  [[nodiscard]] bool matches(std::string_view text) const;
  // True when no text can match (e.g. LOWER(x) LIKE '%API%': upper case after LOWER).
  [[nodiscard]] bool hasUpperCase() const { return has_upper_; }
  // The lower-cased literal of a case-insensitive '%literal%' (no '_', no inner '%'): the shape
  // an OR of many such patterns on one value can be matched by in one pass. Empty otherwise.
  [[nodiscard]] std::string_view icaseContainedLiteral() const {
    return shape_ == Shape::kContains && icase_ ? std::string_view(literal_) : std::string_view();
  }

 private:
  enum class Shape { kExact, kPrefix, kSuffix, kContains, kGeneral };
  // The pattern as tokens: literal bytes, kAny ('%') and kOne ('_').
  static constexpr int kAny = 256;
  static constexpr int kOne = 257;

  [[nodiscard]] bool generalMatch(std::string_view text) const;

  std::vector<int> tokens_;
  std::string literal_;  // for the fast shapes
  Shape shape_ = Shape::kGeneral;
  bool icase_ = false;
  bool has_upper_ = false;
};

}  // namespace aihunt::aql
