#include "service/run_summary.h"

#include <algorithm>
#include <array>

#include "core/display_text.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "service/reference_set_refresher.h"

namespace aihunt::service {

void RunTotals::add(std::uint64_t more_rows, const detection::AnalyzerStats& more,
                    const std::vector<std::pair<std::string, std::uint64_t>>& suppressed) {
  rows += more_rows;
  stats += more;
  for (const auto& item : suppressed) {
    auto it = std::find_if(suppressed_by_exception.begin(), suppressed_by_exception.end(),
                           [&](const auto& entry) { return entry.first == item.first; });
    if (it == suppressed_by_exception.end()) {
      suppressed_by_exception.push_back(item);
    } else {
      it->second += item.second;
    }
  }
}

std::vector<std::string> expiredExceptionIds(const std::vector<detection::ExceptionRule>& rules,
                                             core::EpochMs now) {
  std::vector<std::string> ids;
  for (const auto& rule : rules) {
    // The same test the matcher applies (detection/exceptions.cpp): at or after it, inert.
    if (rule.expires && now >= *rule.expires) ids.push_back(rule.id);
  }
  return ids;
}

std::vector<std::string> unreadReferenceSets(const std::vector<detection::ExceptionRule>& rules,
                                             const detection::ReferenceSetSnapshot& sets) {
  std::vector<std::string> unread;
  for (std::string& name : referencedSetNames(rules)) {
    if (sets == nullptr || !sets->known(name)) unread.push_back(std::move(name));
  }
  return unread;
}

void logRunSummary(spdlog::logger& logger, const std::string& what, const RunTotals& totals) {
  logger.info("{}: {}, {}{}, {} suppressed by exceptions", what, core::counted(totals.rows, "row"),
              core::counted(totals.stats.findings, "finding"),
              totals.findings_printed ? (totals.complete ? "" : " (the run is incomplete)")
              : totals.stats.findings == 0
                  // A failed run's zero is not a clean result.
                  ? " (the run is incomplete)"
                  : " (not printed: the run is incomplete)",
              totals.stats.suppressed);
  for (const auto& [id, count] : totals.suppressed_by_exception) {
    if (count > 0) logger.info("exception '{}' suppressed {}", id, core::counted(count, "finding"));
  }
  if (totals.stats.browser_events_skipped > 0) {
    // Browsers are people at work: never findings, but counted so that a hunt's rows add up.
    logger.info("{} skipped (a browser is a person at work, never a finding)",
                core::counted(totals.stats.browser_events_skipped, "browser event"));
  }
  if (totals.stats.repaired_rows > 0) {
    // Planted or broken text must not blind a window: the rows were read, with U+FFFD in place
    // of what could not be read.
    logger.warn(
        "{} text that is not valid UTF-8 (or a lone UTF-16 surrogate escape); it was replaced "
        "with U+FFFD and the {} analysed",
        core::counted(totals.stats.repaired_rows, "row held", "rows held"),
        totals.stats.repaired_rows == 1 ? "row" : "rows");
  }
  if (totals.stats.own_events_skipped > 0) {
    logger.info("{} of aihunt's own LEEF events skipped (detection.own_log_source_types)",
                totals.stats.own_events_skipped);
  }
  if (totals.stats.expired_exception_hits > 0) {
    std::string names;
    for (const std::string& id : totals.expired_exceptions) {
      names += (names.empty() ? "'" : ", '") + id + "'";
    }
    logger.warn(
        "{} an exception that has expired{}; reported, not suppressed (renew its expires date "
        "or remove it)",
        core::counted(totals.stats.expired_exception_hits, "finding matched", "findings matched"),
        names.empty() ? "" : " (expired: " + names + ")");
  }
  if (totals.stats.unknown_reference_set_checks > 0) {
    std::string names;
    for (const std::string& name : totals.unread_reference_sets) {
      names += (names.empty() ? "'" : ", '") + core::printableExcerpt(name, 80) + "'";
    }
    logger.warn(
        "{} not suppressed by exceptions naming QRadar reference sets that could not be read and "
        "have no stored copy{}",
        core::counted(totals.stats.unknown_reference_set_checks, "finding was", "findings were"),
        names.empty() ? "" : " (" + names + ")");
  }
}

std::string formatHuntTable(const RunReport& run) {
  std::vector<std::array<std::string, 5>> rows = {
      {"HUNT", "STATUS", "ROWS", "FINDINGS", "SUPPRESSED"}};
  for (const auto& hunt : run.hunts) {
    // A hunt the run never started (its error says why, once) is not one that failed.
    const bool not_run = hunt.status == HuntStatus::kFailed && hunt.error.rfind("not run", 0) == 0;
    rows.push_back({core::displayText(hunt.name, {.keep_tab = false}),
                    not_run ? std::string("not run") : std::string(huntStatusName(hunt.status)),
                    std::to_string(hunt.rows), std::to_string(hunt.findings),
                    std::to_string(hunt.suppressed)});
  }
  std::array<std::size_t, 5> widths{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string padding(widths[i] - row[i].size(), ' ');
      if (i > 0) out += "  ";
      // Names and statuses read left to right; counts line up on their last digit.
      out += i < 2 ? row[i] + (i + 1 < row.size() ? padding : "") : padding + row[i];
    }
    out.push_back('\n');
    if (r > 0 && !run.hunts[r - 1].error.empty() && !run.hunts[r - 1].error_said) {
      out += "  " + core::displayText(run.hunts[r - 1].error, {.keep_tab = false}) + "\n";
    }
  }
  return out;
}

int worseExitCode(int a, int b) {
  const auto rank = [](int code) {
    switch (code) {
      case core::kExitOk:
        return 0;
      case core::kExitFindings:
        return 1;
      case core::kExitSearchFailed:
        return 2;
      case core::kExitConnection:
        return 3;
      case core::kExitUsage:
        return 4;
      case core::kExitState:
        return 5;
      default:
        return 6;
    }
  };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace aihunt::service
