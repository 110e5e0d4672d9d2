#pragma once
// False-positive exceptions. Inside one exception every matcher given must
// hold; across exceptions any one suppresses. Within one matcher, any listed value may match.
// An expired exception no longer suppresses.
//
// A `reference_set` matcher holds when the finding's field is in one of the named QRadar
// reference sets, as last read (ReferenceSetContents). A set whose contents are unknown (never
// read, no stored copy) does not hold: suppressing on data nobody has seen would hide findings.
// Such a check is counted (ExceptionVerdict::unknown_reference_set) so that it is never silent.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "detection/cidr.h"
#include "detection/reference_sets.h"
#include "detection/signals.h"

namespace aihunt::detection {

// `reference_set: {name: ..., field: ...}`: the finding's field must be in that set.
struct ReferenceSetMatch {
  std::string name;
  ReferenceField field = ReferenceField::kSourceIp;
};

struct ExceptionRule {
  std::string id;
  std::string reason;
  std::string owner;
  std::string ticket;                    // optional
  std::optional<core::EpochMs> expires;  // optional; at or after it, the rule is inert
  std::vector<Cidr> source_cidrs;
  std::vector<std::string> host_globs;  // endpoint host name
  std::vector<std::string> user_globs;
  std::vector<std::string> process_globs;  // normalised name or full path, glob
  std::vector<std::string> providers;      // provider ids
  std::vector<std::string> domain_globs;   // the AI host reached
  SignalSet signals;  // empty: any; otherwise every signal of the finding is among them
  std::vector<ReferenceSetMatch> reference_sets;  // any one may hold

  [[nodiscard]] bool hasMatchers() const;
};

// What the matcher sees of a candidate finding.
struct ExceptionSubject {
  std::optional<IpAddress> source_ip;
  std::string_view source_ip_text;  // as the finding has it (looked up in text sets)
  std::string_view host;
  std::string_view username;
  std::string_view process_name;  // normalised
  std::string_view process_path;  // as seen
  std::string_view provider_id;
  std::string_view domain;
  SignalSet signals;
};

struct ExceptionVerdict {
  const ExceptionRule* suppressed_by = nullptr;
  // Expired rules that would have matched: reported so that nobody thinks they still work.
  const ExceptionRule* expired_match = nullptr;
  // A rule whose other matchers held but whose reference sets were all unknown (not read).
  bool unknown_reference_set = false;
};

class ExceptionMatcher {
 public:
  explicit ExceptionMatcher(std::vector<ExceptionRule> rules) : rules_(std::move(rules)) {}
  // `sets`: the reference sets as last read; null when none were (reference_set matchers then
  // do not hold).
  [[nodiscard]] ExceptionVerdict match(const ExceptionSubject& subject, core::EpochMs now,
                                       const ReferenceSetContents* sets = nullptr) const;
  [[nodiscard]] const std::vector<ExceptionRule>& rules() const { return rules_; }

 private:
  std::vector<ExceptionRule> rules_;
};

}  // namespace aihunt::detection
