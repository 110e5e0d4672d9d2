#include "service/ledger_writer.h"

#include "core/text.h"
#include "detection/finding_json.h"
#include "detection/scoring.h"

namespace aihunt::service {

namespace {

std::optional<state::UploadTotalMark> uploadTotalMark(const detection::Finding& finding) {
  if (!finding.total_window) return std::nullopt;
  return state::UploadTotalMark{finding.source_ip,
                                finding.username,
                                finding.provider,
                                finding.total_window->from_ms,
                                finding.total_window->to_ms,
                                finding.total_window->first_request_ms,
                                finding.total_window->last_request_ms,
                                finding.bytes_sent};
}

}  // namespace

std::string baselineKey(const detection::Finding& finding) {
  const std::string& who = !finding.host.empty()        ? finding.host
                           : !finding.source_ip.empty() ? finding.source_ip
                                                        : finding.username;
  std::string key = core::asciiLowered(who);
  key += '|';
  key += core::asciiLowered(finding.process_name);
  key += '|';
  key += finding.provider;
  return key;
}

LedgerWriter::LedgerWriter(state::StateStore& store, const detection::DetectionSettings& settings,
                           std::string hunt, std::vector<std::string> sinks, core::EpochMs now,
                           bool first_seen)
    : store_(store),
      settings_(settings),
      hunt_(std::move(hunt)),
      sinks_(std::move(sinks)),
      now_(now),
      first_seen_(first_seen) {
  pending_.hunt = hunt_;
  pending_.sinks = sinks_;
}

core::Status LedgerWriter::write(const detection::Finding& finding) {
  if (finding.suppressed) return {};
  if (pending_ids_.count(finding.finding_id) != 0) {
    ++repeats_;
    return {};
  }
  auto seen = store_.seen(finding.finding_id);
  if (!seen) return seen.error();
  if (*seen) {
    ++repeats_;
    return {};
  }
  std::optional<state::UploadTotalMark> mark = uploadTotalMark(finding);
  if (mark) {
    // The daemon's windows re-read their overlap: a total of only requests that a raised total
    // held already is that upload again, not a new one. --deliver's own windows go further.
    auto raised = overlapping_totals_repeat_ ? store_.uploadTotalRaised(hunt_, *mark)
                                             : store_.uploadTotalCovers(hunt_, *mark);
    if (!raised) return raised.error();
    if (*raised) {
      ++repeats_;
      return {};
    }
  }
  const detection::Finding* out = &finding;
  if (first_seen_) {
    std::string key = baselineKey(finding);
    bool known = pending_baselines_.count(key) != 0;
    if (!known) {
      auto stored = store_.baselineKnown(key);
      if (!stored) return stored.error();
      known = *stored;
    }
    if (!known) {
      copy_ = finding;
      copy_.signals.add(detection::Signal::kFirstSeen);
      const detection::Score score =
          detection::scoreFinding(settings_.scoring, copy_.signals, copy_.process_category,
                                  settings_.providers.classify(copy_.domain));
      copy_.risk_score = score.risk;
      copy_.severity = score.severity;
      out = &copy_;
      ++first_seen_count_;
      pending_baselines_.insert(key);
      pending_.baselines.push_back(std::move(key));
    }
  }
  state::FindingItem item;
  item.finding_id = out->finding_id;
  item.upload_total = std::move(mark);
  if (auto time = core::parseTimestamp(out->event_time)) item.event_time = *time;
  detection::appendFindingJson(item.payload, *out, window_);
  if (metrics_ != nullptr) {
    pending_counts_.push_back({out->severity, out->signals, out->process_category});
  }
  pending_ids_.insert(item.finding_id);
  pending_.findings.push_back(std::move(item));
  return {};
}

core::Status LedgerWriter::flush(std::optional<state::WindowRecord> completes) {
  if (pending_.findings.empty() && pending_.baselines.empty() && !completes) return {};
  pending_.now = now_;
  pending_.completes = std::move(completes);
  auto committed = store_.commit(pending_);
  if (!committed) return committed.error();
  for (const Counted& counted : pending_counts_) {
    metrics_->add("aihunt_findings_total",
                  {hunt_, std::string(detection::severityName(counted.severity))});
    counted.signals.forEach([&](detection::Signal signal) {
      metrics_->add("aihunt_findings_by_signal_total",
                    {std::string(detection::signalName(signal))});
    });
    metrics_->add("aihunt_findings_by_category_total",
                  {std::string(detection::processCategoryName(counted.category))});
  }
  pending_counts_.clear();
  added_ += committed->added;
  repeats_ += committed->repeats;
  pending_.findings.clear();
  pending_.baselines.clear();
  pending_.completes.reset();
  pending_ids_.clear();
  pending_baselines_.clear();
  return {};
}

void LedgerWriter::setWindow(core::EpochMs from, core::EpochMs to) {
  window_ = core::formatIso8601(from) + "/" + core::formatIso8601(to);
}

core::Status LedgerWriter::pageDone() { return flush(std::nullopt); }

core::Status LedgerWriter::complete(state::WindowRecord record) {
  if (auto status = flush(std::nullopt); !status) return status;
  record.hunt = hunt_;
  record.findings = added_;
  record.repeats = repeats_;
  record.completed_at = now_;
  return flush(std::move(record));
}

}  // namespace aihunt::service
