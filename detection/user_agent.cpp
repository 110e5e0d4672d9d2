#include "detection/user_agent.h"

#include <algorithm>

#include "core/text.h"

namespace aihunt::detection {

void UserAgentCatalog::add(UserAgentRule rule) {
  core::asciiLowerInPlace(rule.pattern);
  if (rule.label.empty()) rule.label = rule.pattern;
  rules_.push_back(std::move(rule));
  std::vector<std::string> patterns;
  patterns.reserve(rules_.size());
  for (const auto& each : rules_) patterns.push_back(each.pattern);
  patterns_ = core::AsciiPatternSet(patterns);
}

UserAgentVerdict UserAgentCatalog::classify(std::string_view user_agent) const {
  user_agent = core::trim(user_agent);
  if (user_agent.empty() || user_agent == "-") return {};
  // The first rule in catalog order wins, wherever in the agent it matches.
  std::size_t first_rule = rules_.size();
  patterns_.forEachMatch(user_agent, [&](std::size_t index, std::size_t at) {
    if (rules_[index].match == UserAgentMatch::kContains || at == 0) {
      first_rule = std::min(first_rule, index);
    }
    return first_rule != 0;
  });
  if (first_rule < rules_.size()) {
    const auto& rule = rules_[first_rule];
    return {rule.category, rule.label};
  }
  if (core::istartsWith(user_agent, "mozilla/") || core::istartsWith(user_agent, "opera/")) {
    return {ProcessCategory::kBrowser, {}};
  }
  return {ProcessCategory::kOther, {}};
}

}  // namespace aihunt::detection
