#include "aql/regex_match.h"

#include "aql/limits.h"
#include "core/text.h"

namespace aihunt::aql {
namespace {

core::Error badRegex(std::string_view pattern, std::string_view why) {
  return core::makeError(
      core::ErrorCode::kInvalidArgument,
      "regular expression '" + core::printableExcerpt(pattern, 60) + "' " + std::string(why));
}

// Product of every {m,n} bound: each copies part of the automaton, and nesting multiplies.
bool repetitionTooLarge(std::string_view pattern) {
  long product = 1;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (pattern[i] != '{') continue;
    long bound = 0;
    for (std::size_t j = i + 1; j < pattern.size() && pattern[j] != '}'; ++j) {
      const char c = pattern[j];
      if (c >= '0' && c <= '9') {
        bound = bound * 10 + (c - '0');
        if (bound > kMaxRegexRepetition) return true;
      } else if (c == ',') {
        bound = 0;
      } else {
        break;
      }
    }
    product *= std::max(bound, 1L);
    if (product > kMaxRegexRepetition) return true;
  }
  return false;
}

}  // namespace

core::Result<RegexMatcher> RegexMatcher::compile(std::string_view pattern, bool case_insensitive) {
  if (pattern.size() > kMaxRegexBytes) return badRegex(pattern, "is too long");
  if (repetitionTooLarge(pattern)) return badRegex(pattern, "repeats too much");
  auto flags = std::regex::ECMAScript | std::regex::optimize | std::regex_constants::__polynomial;
  if (case_insensitive) flags |= std::regex::icase;
  // std::regex reports bad patterns by throwing; the exception stops here.
  try {
    return RegexMatcher(std::make_shared<const std::regex>(pattern.begin(), pattern.end(), flags));
  } catch (const std::regex_error& e) {
    return badRegex(pattern, std::string("is invalid: ") + e.what());
  } catch (const std::bad_alloc&) {
    return badRegex(pattern, "is too complex");
  }
}

bool RegexMatcher::matches(std::string_view text) const {
  try {
    return std::regex_search(text.begin(), text.end(), *regex_);
  } catch (const std::regex_error&) {  // error_complexity / error_stack: no match
    return false;
  }
}

}  // namespace aihunt::aql
