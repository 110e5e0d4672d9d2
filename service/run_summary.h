#pragma once
// The summary a detection run logs when it ends: rows, findings, suppression per exception, and
// expired exceptions that no longer suppress (never silent).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include "detection/analyzer.h"
#include "service/run_report.h"

namespace aihunt::service {

struct RunTotals {
  std::uint64_t rows = 0;
  detection::AnalyzerStats stats;
  std::vector<std::pair<std::string, std::uint64_t>> suppressed_by_exception;
  // The exceptions that had expired by the run's "now" (expiredExceptionIds): the warning about
  // findings that matched an expired exception names them, so their owners can act.
  std::vector<std::string> expired_exceptions;
  // The reference sets exceptions name that the run could not look in (unreadReferenceSets): the
  // warning about findings they could not suppress names them.
  std::vector<std::string> unread_reference_sets;
  // False when the run's findings were counted but not printed (an incomplete run): the summary
  // says so, so that its count does not read as what stdout holds.
  bool findings_printed = true;
  // False when some hunt failed or did not run: a JSON document prints the findings of an
  // incomplete run (it says "complete": false), and the summary must not read as a clean one.
  bool complete = true;

  void add(std::uint64_t more_rows, const detection::AnalyzerStats& more,
           const std::vector<std::pair<std::string, std::uint64_t>>& suppressed);
};

// The ids of `rules` that are expired at `now`, in rule order.
std::vector<std::string> expiredExceptionIds(const std::vector<detection::ExceptionRule>& rules,
                                             core::EpochMs now);

// The sets `rules` name that `sets` does not hold (all of them when `sets` is null: an offline
// run, triage), in the order referencedSetNames gives.
std::vector<std::string> unreadReferenceSets(const std::vector<detection::ExceptionRule>& rules,
                                             const detection::ReferenceSetSnapshot& sets);

void logRunSummary(spdlog::logger& logger, const std::string& what, const RunTotals& totals);

// The hunts of a run as an aligned table for stderr (HUNT, STATUS, ROWS, FINDINGS, SUPPRESSED),
// names made safe for a terminal; a failed hunt's reason follows on its own line (unless an error
// line said it already: HuntReport::error_said).
std::string formatHuntTable(const RunReport& run);

// The exit code of a run whose hunts ended with `a` and `b`: a damaged state store over a usage
// error, over a connection failure, over a failed search, over findings, over success.
int worseExitCode(int a, int b);

}  // namespace aihunt::service
