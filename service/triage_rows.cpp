#include "service/triage_rows.h"

#include <algorithm>

#include "service/detectable_fields.h"
#include "service/hunt_query.h"
#include "service/triage.h"

namespace aihunt::service {
namespace {

bool detectable(const detection::Event& event) {
  return std::any_of(detectableFields().begin(), detectableFields().end(),
                     [&](detection::Field field) { return !event.get(field).empty(); });
}

}  // namespace

void TriageCounts::add(const TriageCounts& more) {
  rows += more.rows;
  rows_with_event_time += more.rows_with_event_time;
  rows_with_early_time += more.rows_with_early_time;
  detectable_rows += more.detectable_rows;
  stats += more.stats;
  if (suppressed_per_rule.size() < more.suppressed_per_rule.size()) {
    suppressed_per_rule.resize(more.suppressed_per_rule.size(), 0);
  }
  for (std::size_t i = 0; i < more.suppressed_per_rule.size(); ++i) {
    suppressed_per_rule[i] += more.suppressed_per_rule[i];
  }
}

TriageCounts TriageCounts::since(const TriageCounts& before) const {
  TriageCounts delta;
  delta.rows = rows - before.rows;
  delta.rows_with_event_time = rows_with_event_time - before.rows_with_event_time;
  delta.rows_with_early_time = rows_with_early_time - before.rows_with_early_time;
  delta.detectable_rows = detectable_rows - before.detectable_rows;
  delta.stats = stats - before.stats;
  delta.suppressed_per_rule = suppressed_per_rule;
  for (std::size_t i = 0;
       i < before.suppressed_per_rule.size() && i < delta.suppressed_per_rule.size(); ++i) {
    delta.suppressed_per_rule[i] -= before.suppressed_per_rule[i];
  }
  return delta;
}

std::vector<std::pair<std::string, std::uint64_t>> TriageCounts::suppressedById(
    const std::vector<detection::ExceptionRule>& rules) const {
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    counts.emplace_back(rules[i].id, i < suppressed_per_rule.size() ? suppressed_per_rule[i] : 0);
  }
  return counts;
}

TriageRows::TriageRows(const detection::DetectionSettings& settings,
                       const detection::FieldMapping& mapping, FindingWriter& writer,
                       const TriageOptions& options)
    : decoder_(mapping),
      stage_(settings, options.hunt, detection::SignalSet::all(), writer, options.now,
             options.show_suppressed) {
  // Results of aihunt's own hunt queries (`aihunt aql`, run on the console and exported) name
  // their columns by logical field, and QRadar's own time column is `starttime`: both are read
  // too, so that such an export needs no --hunt.
  alsoReadLogicalNames(decoder_);
  decoder_.watchUnread(options.watched_columns);
}

core::Status TriageRows::consume(const results::RowText& text) {
  if (auto status = decoder_.decode(text.json, event_, text.readable_after); !status) {
    core::Error error = status.error().withContext("row " + std::to_string(text.index + 1) +
                                                   " (line " + std::to_string(text.line) + ")");
    if (text.unterminated) {
      error.message +=
          " (the input's last line, with no line end after it: is the file cut "
          "short?)";
    }
    return error;
  }
  ++rows_;
  if (detectable(event_)) ++detectable_rows_;
  if (!event_.get(detection::Field::kEventTime).empty()) ++rows_with_event_time_;
  // Zero or below is no time at all rather than seconds: not counted as such.
  if (event_.event_time_ms && *event_.event_time_ms > 0 &&
      *event_.event_time_ms < core::kEpochSecondsSuspectBelowMs) {
    ++rows_with_early_time_;
  }
  return stage_.consume(event_);
}

TriageCounts TriageRows::counts() const {
  TriageCounts counts;
  counts.rows = rows_;
  counts.rows_with_event_time = rows_with_event_time_;
  counts.rows_with_early_time = rows_with_early_time_;
  counts.detectable_rows = detectable_rows_;
  counts.stats = stage_.stats();
  counts.stats.repaired_rows = decoder_.repairedRows();
  counts.suppressed_per_rule = stage_.suppressedPerRule();
  return counts;
}

}  // namespace aihunt::service
