#include "cli/run_report.h"

#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli/delivery.h"
#include "cli/print.h"
#include "core/exit_codes.h"
#include "core/text.h"

namespace aihunt::cli {
namespace {

void printText(const service::DaemonReport& report, const config::Config& cfg,
               CommandContext& context) {
  std::FILE* out = context.streams.out;
  printFormatted(*context.redactor, out, "%-20s %8s %10s %9s %8s %5s  %s\n", "HUNT", "WINDOWS",
                 "ROWS", "FINDINGS", "REPEATS", "GAPS", "STATUS");
  for (const auto& hunt : report.hunts) {
    const std::string status =
        hunt.exit_code == core::kExitOk ? "ok" : "failed: " + context.redactor->redact(hunt.error);
    printFormatted(
        *context.redactor, out, "%-20s %8llu %10llu %9llu %8llu %5llu  %s\n", hunt.hunt.c_str(),
        static_cast<unsigned long long>(hunt.windows), static_cast<unsigned long long>(hunt.rows),
        static_cast<unsigned long long>(hunt.findings),
        static_cast<unsigned long long>(hunt.repeats), static_cast<unsigned long long>(hunt.gaps),
        core::printableExcerpt(status, 200).c_str());
  }
  // Per destination: a total over all of them would hide the one that took nothing.
  printFormatted(*context.redactor, out, "%s\n",
                 describeDeliveries(cfg.outputs, report.sinks).c_str());
  printFormatted(*context.redactor, out,
                 "state: %s ('aihunt state show -c CONFIG' for the ledger)\n",
                 absoluteStatePath(cfg).c_str());
}

// One document, for a script: the same numbers as the table, and the exit code with it (a cron
// wrapper that keeps only stdout still knows how the run ended). Every string is redacted and
// written with non-ASCII escaped, so that no console or event text acts on a terminal.
void printJson(const service::DaemonReport& report, const config::Config& cfg,
               CommandContext& context) {
  const core::Redactor& redactor = *context.redactor;
  nlohmann::json hunts = nlohmann::json::array();
  for (const auto& hunt : report.hunts) {
    nlohmann::json row = {{"hunt", hunt.hunt},
                          {"status", hunt.exit_code == core::kExitOk ? "ok" : "failed"},
                          {"exit_code", hunt.exit_code},
                          {"windows", hunt.windows},
                          {"rows", hunt.rows},
                          {"findings", hunt.findings},
                          {"repeats", hunt.repeats},
                          {"gaps", hunt.gaps},
                          {"truncated_windows", hunt.truncated}};
    if (hunt.exit_code != core::kExitOk) row["error"] = redactor.redact(hunt.error);
    hunts.push_back(std::move(row));
  }
  nlohmann::json deliveries = nlohmann::json::array();
  for (const service::SinkDrain& sink : report.sinks) {
    nlohmann::json row = {{"sink", sink.name},
                          {"destination", redactor.redact(destinationName(cfg.outputs, sink.name))},
                          {"delivered", sink.delivered},
                          {"waiting", sink.waiting - sink.held},
                          {"held", sink.held}};
    if (!sink.error.empty()) row["error"] = redactor.redact(sink.error);
    deliveries.push_back(std::move(row));
  }
  const nlohmann::json document = {{"exit_code", report.exit_code},
                                   {"hunts", std::move(hunts)},
                                   {"deliveries", std::move(deliveries)},
                                   {"state", absoluteStatePath(cfg)}};
  const std::string text =
      document.dump(2, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), context.streams.out);
}

}  // namespace

core::Result<RunReportFormat> runReportFormat(std::string_view name) {
  if (name == "text") return RunReportFormat::kText;
  if (name == "json") return RunReportFormat::kJson;
  return core::makeError(core::ErrorCode::kInvalidArgument,
                         "--format: text or json, not '" + core::printableExcerpt(name, 40) + "'");
}

std::string absoluteStatePath(const config::Config& cfg) {
  std::error_code error;
  const std::filesystem::path state = std::filesystem::absolute(cfg.state.path, error);
  return error ? cfg.state.path : state.lexically_normal().string();
}

void printRunReport(const service::DaemonReport& report, const config::Config& cfg,
                    RunReportFormat format, CommandContext& context) {
  if (format == RunReportFormat::kJson) {
    printJson(report, cfg, context);
  } else {
    printText(report, cfg, context);
  }
  printPendingSinks(cfg.outputs, report.sinks,
                    report.exit_code == core::kExitOk ? Diagnostic::kWarning : Diagnostic::kError,
                    context);
}

}  // namespace aihunt::cli
