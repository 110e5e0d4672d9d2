#include "detection/exceptions.h"

#include <algorithm>
#include <optional>

#include "core/text.h"

namespace aihunt::detection {
namespace {

bool anyGlob(const std::vector<std::string>& globs, std::string_view value) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& glob) { return core::globMatch(glob, value); });
}

enum class Holds { kNo, kYes, kUnknown };

// nullopt: the set was never read.
std::optional<bool> lookUp(const ReferenceSetMatch& match, const ExceptionSubject& subject,
                           const ReferenceSetContents* sets) {
  if (sets == nullptr || !sets->known(match.name)) return std::nullopt;
  switch (match.field) {
    case ReferenceField::kSourceIp:
      if (sets->holdsAddresses(match.name)) {
        return subject.source_ip && sets->contains(match.name, *subject.source_ip).value_or(false);
      }
      return sets->contains(match.name, subject.source_ip_text).value_or(false);
    case ReferenceField::kUsername:
      return sets->contains(match.name, subject.username).value_or(false);
    case ReferenceField::kHost:
      return sets->contains(match.name, subject.host).value_or(false);
  }
  return false;
}

// The reference-set matcher: any listed set holding the field suffices; it is unknown only when
// no set held and at least one of them was never read.
Holds inReferenceSets(const ExceptionRule& rule, const ExceptionSubject& subject,
                      const ReferenceSetContents* sets) {
  bool unknown = false;
  for (const auto& match : rule.reference_sets) {
    const std::optional<bool> in = lookUp(match, subject, sets);
    if (!in) {
      unknown = true;
    } else if (*in) {
      return Holds::kYes;
    }
  }
  return unknown ? Holds::kUnknown : Holds::kNo;
}

bool matches(const ExceptionRule& rule, const ExceptionSubject& subject) {
  if (!rule.source_cidrs.empty()) {
    if (!subject.source_ip) return false;
    const bool inside =
        std::any_of(rule.source_cidrs.begin(), rule.source_cidrs.end(),
                    [&](const Cidr& cidr) { return cidr.contains(*subject.source_ip); });
    if (!inside) return false;
  }
  if (!rule.host_globs.empty() && !anyGlob(rule.host_globs, subject.host)) return false;
  if (!rule.user_globs.empty() && !anyGlob(rule.user_globs, subject.username)) return false;
  if (!rule.process_globs.empty() && !anyGlob(rule.process_globs, subject.process_name) &&
      !anyGlob(rule.process_globs, subject.process_path)) {
    return false;
  }
  if (!rule.providers.empty() &&
      std::none_of(rule.providers.begin(), rule.providers.end(),
                   [&](const std::string& id) { return id == subject.provider_id; })) {
    return false;
  }
  if (!rule.domain_globs.empty() && !anyGlob(rule.domain_globs, subject.domain)) return false;
  // Every signal of the finding must be listed: an exception for plain API use
  // ([non_browser_ai_api]) must not hide the same program with a key on its command line, which
  // adds key_or_prompt_on_cmdline to the same finding.
  if (!rule.signals.empty() && !subject.signals.isSubsetOf(rule.signals)) return false;
  return true;
}

}  // namespace

bool ExceptionRule::hasMatchers() const {
  return !source_cidrs.empty() || !host_globs.empty() || !user_globs.empty() ||
         !process_globs.empty() || !providers.empty() || !domain_globs.empty() ||
         !signals.empty() || !reference_sets.empty();
}

ExceptionVerdict ExceptionMatcher::match(const ExceptionSubject& subject, core::EpochMs now,
                                         const ReferenceSetContents* sets) const {
  ExceptionVerdict verdict;
  for (const auto& rule : rules_) {
    // A rule without matchers would suppress everything; config rejects it, and we refuse too.
    if (!rule.hasMatchers() || !matches(rule, subject)) continue;
    // Looked up last: the cheap matchers above decide most findings without it.
    if (!rule.reference_sets.empty()) {
      const Holds holds = inReferenceSets(rule, subject, sets);
      if (holds == Holds::kUnknown) verdict.unknown_reference_set = true;
      if (holds != Holds::kYes) continue;
    }
    if (rule.expires && now >= *rule.expires) {
      if (verdict.expired_match == nullptr) verdict.expired_match = &rule;
      continue;
    }
    verdict.suppressed_by = &rule;
    return verdict;
  }
  return verdict;
}

}  // namespace aihunt::detection
