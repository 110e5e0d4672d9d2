#pragma once
// A strict parser of the Prometheus text exposition format 0.0.4, for tests that read what the
// daemon serves on /metrics. Stricter than Prometheus itself, on purpose: it rejects anything a
// correct writer never emits.
//   - the text is UTF-8 and ends with a line feed (or is empty);
//   - `# HELP name doc` (escapes \\ and \n only) and `# TYPE name type` at most once per name,
//     before that family's first sample; other `#` lines are comments;
//   - samples `name{label="value",...} value [timestamp]`, label values with the escapes \\ \"
//     \n only, label names valid and not repeated, values Go-style floats, NaN, +Inf or -Inf;
//   - every sample belongs to a TYPE'd family (histograms: name_bucket, name_sum, name_count;
//     summaries: name, name_sum, name_count), the family's samples in one uninterrupted group;
//   - no duplicate sample (same name and label set), no negative counter;
//   - histograms, per label set: buckets with an `le` label in ascending order, cumulative
//     (non-decreasing), a +Inf bucket, a _sum and a _count, and _count equal to the +Inf bucket.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace aihunt::testing {

using PromLabels = std::map<std::string, std::string>;

struct PromSample {
  std::string name;  // as written: for histograms name_bucket, name_sum, name_count
  PromLabels labels;
  double value = 0;
  std::optional<std::int64_t> timestamp_ms;
};

struct PromFamily {
  std::string name;
  std::string type;                 // counter, gauge, histogram, summary, untyped
  std::optional<std::string> help;  // unescaped
  std::vector<PromSample> samples;  // in text order
};

struct PromExposition {
  std::vector<PromFamily> families;  // in text order

  [[nodiscard]] const PromFamily* family(std::string_view name) const;
  // The value of the sample with exactly this name and label set.
  [[nodiscard]] std::optional<double> value(std::string_view sample_name,
                                            const PromLabels& labels = {}) const;
};

// Errors are kParse with "line N: what".
core::Result<PromExposition> parsePrometheusText(std::string_view text);

}  // namespace aihunt::testing
