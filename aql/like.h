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

  // A case-insensitive '%body%' whose body holds literal bytes and '_' but no inner '%' (the
  // hunts' '%openai_api_key%', where '_' matches any byte): its longest run of literal bytes
  // (lower-cased) and where the run starts in the body. The body occurs in a text only around an
  // occurrence of the run, so a multi-pattern scan may look for the run alone and let
  // bodyMatchesAt() check the rest. For a body without '_', the run is the body and
  // icaseContainedLiteral() the same text. An empty run: not this shape (or a body of '_' only).
  struct Anchor {
    std::string_view run;
    std::size_t offset = 0;
  };
  [[nodiscard]] Anchor icaseAnchor() const;
  // Whether text[start, start + body size) is the body ('_' taking any byte), for the shapes
  // icaseAnchor() describes.
  [[nodiscard]] bool bodyMatchesAt(std::string_view text, std::size_t start) const;

 private:
  // kContainsOne: '%body%' with '_' in the body and a literal run to look for.
  enum class Shape { kExact, kPrefix, kSuffix, kContains, kContainsOne, kGeneral };
  // The pattern as tokens: literal bytes, kAny ('%') and kOne ('_').
  static constexpr int kAny = 256;
  static constexpr int kOne = 257;

  [[nodiscard]] bool generalMatch(std::string_view text) const;

  std::vector<int> tokens_;
  std::string literal_;  // for the fast shapes; kContainsOne: the body, '_' kept as kOne's byte
  std::string one_;      // kContainsOne: per body byte, 1 where the body has '_'
  std::size_t anchor_offset_ = 0;
  std::size_t anchor_size_ = 0;  // kContains: the literal; kContainsOne: the longest plain run
  Shape shape_ = Shape::kGeneral;
  bool icase_ = false;
  bool has_upper_ = false;
};

}  // namespace aihunt::aql
