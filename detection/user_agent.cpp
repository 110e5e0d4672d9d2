#include "detection/user_agent.h"

#include "core/text.h"

namespace aihunt::detection {

void UserAgentCatalog::add(UserAgentRule rule) {
  core::asciiLowerInPlace(rule.pattern);
  if (rule.label.empty()) rule.label = rule.pattern;
  rules_.push_back(std::move(rule));
}

UserAgentVerdict UserAgentCatalog::classify(std::string_view user_agent) const {
  user_agent = core::trim(user_agent);
  if (user_agent.empty() || user_agent == "-") return {};
  for (const auto& rule : rules_) {
    const bool hit = rule.match == UserAgentMatch::kPrefix
                         ? core::istartsWith(user_agent, rule.pattern)
                         : core::icontainsLower(user_agent, rule.pattern);
    if (hit) return {rule.category, rule.label};
  }
  if (core::istartsWith(user_agent, "mozilla/") || core::istartsWith(user_agent, "opera/")) {
    return {ProcessCategory::kBrowser, {}};
  }
  return {ProcessCategory::kOther, {}};
}

}  // namespace aihunt::detection
