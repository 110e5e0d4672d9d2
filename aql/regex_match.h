#pragma once
// MATCHES / IMATCHES. std::regex backtracks exponentially on patterns like (a+)+$ and recurses
// per input byte; we cap the pattern length and its repetition counts, and ask libstdc++ for its
// polynomial (breadth-first) executor. Searches anywhere in the text (use ^...$ to anchor).
#include <memory>
#include <regex>
#include <string_view>

#include "core/result.h"

namespace aihunt::aql {

class RegexMatcher {
 public:
  static core::Result<RegexMatcher> compile(std::string_view pattern, bool case_insensitive);
  [[nodiscard]] bool matches(std::string_view text) const;

 private:
  explicit RegexMatcher(std::shared_ptr<const std::regex> regex) : regex_(std::move(regex)) {}
  std::shared_ptr<const std::regex> regex_;
};

}  // namespace aihunt::aql
