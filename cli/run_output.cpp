#include "cli/run_output.h"

#include "cli/print.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "service/run_summary.h"

namespace aihunt::cli {

core::Result<service::HoldOptions> holdOptions(
    const CommandContext& context, const boost::program_options::variables_map& values) {
  service::HoldOptions options;
  if (auto dir = context.environment->get("TMPDIR"); dir && !dir->empty()) {
    options.spool_dir = *dir;
  }
  // At most 2^40 MiB, so that the byte count cannot overflow.
  constexpr std::int64_t kMaxMiB = std::int64_t{1} << 40;
  const auto mib = values["max-output"].as<std::int64_t>();
  if (mib < 0 || mib > kMaxMiB) {
    return core::makeError(
        core::ErrorCode::kConfig,
        "--max-output: MiB from 0 (no limit) to 2^40, not " + std::to_string(mib));
  }
  options.max_bytes = static_cast<std::uint64_t>(mib) << 20;
  return options;
}

service::HuntReport huntReport(const service::HuntOutcome& outcome,
                               const core::Redactor& redactor) {
  service::HuntReport report;
  report.name = outcome.hunt;
  report.rows = outcome.rows;
  report.findings = outcome.stats.findings;
  report.suppressed = outcome.stats.suppressed;
  switch (outcome.result) {
    case service::HuntResult::kOk:
      report.status = service::HuntStatus::kOk;
      break;
    case service::HuntResult::kTruncated:
      report.status = service::HuntStatus::kTruncated;
      break;
    case service::HuntResult::kCancelled:
      report.status = service::HuntStatus::kCancelled;
      break;
    case service::HuntResult::kFailed:
      report.status = service::HuntStatus::kFailed;
      break;
  }
  if (outcome.error && report.status == service::HuntStatus::kFailed) {
    report.error = redactor.redact(outcome.error->message);
  }
  return report;
}

int finishRun(service::FindingWriter& writer, const service::RunReport& report,
              service::OutputFormat format, CommandContext& context) {
  if (auto status = writer.finishRun(report); !status) {
    // Ctrl-C while the table was built: nothing was printed.
    if (status.error().code == core::ErrorCode::kCancelled) {
      return fail(context, "interrupted", core::kExitInterrupted);
    }
    return fail(context, status.error(), core::kExitUsage);
  }
  if (!report.complete()) {
    // Said whatever the log level: stdout's silence must not pass for "no findings".
    context.logger->warn(format == service::OutputFormat::kJson
                             ? "the run is incomplete: the document says \"complete\": false"
                             : "the run is incomplete: its findings were not printed (the "
                               "hunts' statuses are on stderr; --format json gives them too)");
  }
  if (!context.logger->should_log(spdlog::level::info) || report.hunts.empty()) {
    return core::kExitOk;
  }
  if (context.log_format == core::LogFormat::kJson) {
    for (const auto& hunt : report.hunts) {
      const bool say_error = !hunt.error.empty() && !hunt.error_said;
      context.logger->info("hunt '{}': {}, {}, {}, {} suppressed{}{}", hunt.name,
                           service::huntStatusName(hunt.status), core::counted(hunt.rows, "row"),
                           core::counted(hunt.findings, "finding"), hunt.suppressed,
                           say_error ? ": " : "", say_error ? hunt.error : "");
    }
  } else {
    printText(*context.redactor, context.streams.err, service::formatHuntTable(report));
  }
  return core::kExitOk;
}

}  // namespace aihunt::cli
