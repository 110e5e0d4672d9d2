#pragma once
// User agents tell what made a proxy request when the log has no process: python-requests,
// curl, PowerShell and friends are not browsers, whatever else they claim.
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii_pattern_set.h"
#include "detection/process.h"

namespace aihunt::detection {

enum class UserAgentMatch { kPrefix, kContains };

struct UserAgentRule {
  UserAgentMatch match = UserAgentMatch::kContains;
  std::string pattern;  // compared ASCII case-insensitively
  ProcessCategory category = ProcessCategory::kOther;
  std::string label;  // "python-requests": shown as the application when the log has none
};

struct UserAgentVerdict {
  ProcessCategory category = ProcessCategory::kUnknown;
  std::string_view label;  // empty for browsers and unknown agents
};

class UserAgentCatalog {
 public:
  void add(UserAgentRule rule);
  // Non-browser rules are tried first, in order; then "Mozilla/" means a browser; an empty agent
  // is Unknown; anything else is Other.
  [[nodiscard]] UserAgentVerdict classify(std::string_view user_agent) const;
  [[nodiscard]] std::size_t size() const { return rules_.size(); }

 private:
  std::vector<UserAgentRule> rules_;  // patterns stored lower case
  core::AsciiPatternSet patterns_;    // rules_[i].pattern is pattern i
};

}  // namespace aihunt::detection
