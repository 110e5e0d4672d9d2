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
  [[nodiscard]] std::string redact(std::string_view text, std::size_t max_bytes) const;

 private:
  core::AsciiPatternSet key_variables_;
};

}  // namespace aihunt::detection
