#pragma once
// Evidence for a finding: the command line or script block that fired, with every secret it
// carries hidden, since findings travel to QRadar, to files and to people. Key-shaped tokens and
// labelled secrets (core/secret_scan) go, and so do values assigned to the key variables of the
// content pack, however the assignment is written.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/ascii_pattern_set.h"
#include "detection/settings.h"

namespace aihunt::detection {

class EvidenceRedactor {
 public:
  explicit EvidenceRedactor(const CommandLineIndicators& indicators);

  // `text` with secrets replaced by [REDACTED] and every other character kept as it was (bytes
  // that are not UTF-8 become U+FFFD), cut to `max_bytes` on a character boundary ("..." marks
  // a cut). A variable reference ($env:OPENAI_API_KEY, %OPENAI_API_KEY%) is not a secret.
  // `names_key_variable` false says that `text` names no key variable as a word (what
  // CommandLineMatcher::examine found): the search for assignments is then skipped. Hiding a
  // secret never makes a name a word, since a hidden span neither starts nor ends beside a word
  // character, so the answer is the same (the generated test in evidence_test holds it).
  [[nodiscard]] std::string redact(std::string_view text, std::size_t max_bytes,
                                   bool names_key_variable = true) const;

 private:
  core::AsciiPatternSet key_variables_;
};

}  // namespace aihunt::detection
