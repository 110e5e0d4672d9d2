// `aihunt state show | gaps | check | vacuum`: what the daemon's state store holds, read-only
// except vacuum.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "aql/time_window.h"
#include "cli/command.h"
#include "cli/print.h"
#include "cli/time_options.h"
#include "config/environment.h"
#include "config/loader.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "core/time.h"
#include "service/hunt_selection.h"
#include "state/instance_lock.h"
#include "state/state_store.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

std::string when(const std::optional<core::EpochMs>& ms) {
  return ms ? core::formatIso8601(*ms) : std::string("-");
}

// The state file to read, and with -c the config's hunts (name, enabled) to hold its ledgers
// against.
struct StateTarget {
  std::string path;
  std::optional<std::vector<std::pair<std::string, bool>>> hunts{};
  std::optional<std::vector<std::string>> sinks{};  // with -c: the sinks the config enables
};

core::Result<StateTarget> stateTarget(const po::variables_map& values, CommandContext& context) {
  if (values.count("state") != 0 && values.count("config") != 0) {
    // Which one was meant is not for aihunt to guess: the two may name different files.
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "give --config or --state, not both (the config names its own "
                           "state.path)");
  }
  if (values.count("state") != 0) return StateTarget{values["state"].as<std::string>(), {}};
  if (values.count("config") == 0) {
    return core::makeError(core::ErrorCode::kInvalidArgument, "give --config or --state FILE");
  }
  config::LoadOptions options;
  options.resolve_token = false;
  auto outcome = config::loadConfigFile(values["config"].as<std::string>(),
                                        config::ProcessEnvironment(), options);
  for (const auto& warning : outcome.warnings) context.logger->warn("{}", warning.describe());
  if (!outcome.ok()) {
    return core::makeError(core::ErrorCode::kConfig, config::describeErrors(outcome.errors));
  }
  StateTarget target{outcome.config->state.path, std::vector<std::pair<std::string, bool>>(),
                     config::enabledSinkNames(outcome.config->outputs)};
  for (const auto& hunt : outcome.config->hunts)
    target.hunts->emplace_back(hunt.name, hunt.enabled);
  return target;
}

// The ledgers the config no longer hunts, and the hunts with no ledger yet: a renamed hunt
// starts a new ledger (and raises again what the old name raised), and its old one stays.
void printLedgersAgainstConfig(const state::StoreSummary& summary,
                               const std::vector<std::pair<std::string, bool>>& hunts,
                               CommandContext& context) {
  std::string removed;
  std::string on_demand;
  std::string disabled;
  std::string unhunted;
  const auto add = [](std::string& list, const std::string& name) {
    list += (list.empty() ? "" : ", ") + core::printableExcerpt(name, 64);
  };
  for (const auto& recorded : summary.hunts) {
    const auto configured = std::find_if(
        hunts.begin(), hunts.end(), [&](const auto& hunt) { return hunt.first == recorded.hunt; });
    // No window: only findings `hunt --deliver` recorded (a query of one's own, "seed", "aql").
    if (configured == hunts.end()) add(recorded.windows == 0 ? on_demand : removed, recorded.hunt);
    if (configured != hunts.end() && !configured->second) add(disabled, recorded.hunt);
  }
  for (const auto& configured : hunts) {
    const std::string& name = configured.first;
    const bool recorded =
        std::any_of(summary.hunts.begin(), summary.hunts.end(),
                    [&](const state::HuntSummary& hunt) { return hunt.hunt == name; });
    if (configured.second && !recorded) add(unhunted, name);
  }
  std::FILE* out = context.streams.out;
  if (!removed.empty()) {
    printFormatted(*context.redactor, out,
                   "not in the config (removed or renamed; nothing hunts these ledgers now): %s\n",
                   removed.c_str());
  }
  if (!on_demand.empty()) {
    printFormatted(*context.redactor, out,
                   "not in the config, findings of hunt --deliver only (no window): %s\n",
                   on_demand.c_str());
  }
  if (!disabled.empty()) {
    printFormatted(*context.redactor, out, "turned off in the config (enabled: false): %s\n",
                   disabled.c_str());
  }
  if (!unhunted.empty()) {
    printFormatted(*context.redactor, out, "in the config, no ledger yet (never hunted): %s\n",
                   unhunted.c_str());
  }
}

int show(state::StateStore& store, const StateTarget& target, CommandContext& context) {
  auto summary = store.summary();
  if (!summary) return fail(context, summary.error(), core::kExitState);
  std::FILE* out = context.streams.out;
  printFormatted(*context.redactor, out,
                 "state %s: schema %d, %llu bytes, %llu finding ids, %llu baselines\n",
                 summary->path.c_str(), summary->schema_version,
                 static_cast<unsigned long long>(summary->file_bytes),
                 static_cast<unsigned long long>(summary->seen_findings),
                 static_cast<unsigned long long>(summary->baselines));
  printFormatted(*context.redactor, out, "%-20s %-24s %-24s %8s %9s %8s %5s\n", "HUNT",
                 "LEDGER FROM", "LEDGER TO", "WINDOWS", "FINDINGS", "REPEATS", "GAPS");
  for (const auto& hunt : summary->hunts) {
    printFormatted(*context.redactor, out, "%-20s %-24s %-24s %8llu %9llu %8llu %5llu\n",
                   core::printableExcerpt(hunt.hunt, 20).c_str(), when(hunt.ledger_start).c_str(),
                   when(hunt.ledger_end).c_str(), static_cast<unsigned long long>(hunt.windows),
                   static_cast<unsigned long long>(hunt.findings),
                   static_cast<unsigned long long>(hunt.repeats),
                   static_cast<unsigned long long>(hunt.gaps));
  }
  if (target.hunts) printLedgersAgainstConfig(*summary, *target.hunts, context);
  if (summary->console_searches > 0) {
    printFormatted(*context.redactor, out,
                   "searches recorded as held on the console: %llu (a run's searches while it "
                   "runs; any a run was killed with or could not delete are deleted by the next "
                   "run, backfill or hunt --deliver connected to that console)\n",
                   static_cast<unsigned long long>(summary->console_searches));
  }
  for (const auto& [sink, depth] : summary->outbox_depth) {
    // A sink that holds rows back on purpose (offense notes wait for their offenses).
    std::string due;
    for (const auto& [name, first] : summary->outbox_first_due) {
      if (name == sink) due = " (the first due at " + core::formatIso8601(first) + ")";
    }
    for (const auto& [name, count] : summary->outbox_retrying) {
      if (name != sink || due.empty()) continue;
      due.insert(due.size() - 1,
                 "; " + std::to_string(count) + " of them tried again" +
                     (sink == "offense_notes" ? ": no open aihunt offense yet" : ""));
    }
    // Notes without any due time: LEEF has not delivered their findings yet.
    if (due.empty() && sink == "offense_notes") {
      due = " (waiting for the LEEF events of their findings to be delivered)";
    }
    // Rows for a sink this config turned off wait until it is on again (as run warns): said
    // here, where someone looks for why they do not move (a trial).
    if (target.sinks &&
        std::find(target.sinks->begin(), target.sinks->end(), sink) == target.sinks->end()) {
      const std::string setting =
          sink == "jsonl" ? "outputs.jsonl.path is not set"
                          : "outputs." + core::printableExcerpt(sink, 40) + " is not enabled";
      due = " (" + setting + " in this config: they wait until it is)";
    }
    printFormatted(*context.redactor, out, "outbox %s: %llu pending%s\n",
                   core::printableExcerpt(sink, 40).c_str(), static_cast<unsigned long long>(depth),
                   due.c_str());
    // Why a sink is stuck, without sqlite3: its most tried row's error (console text, made
    // printable and kept to one line).
    for (const auto& failing : summary->outbox_failing) {
      if (failing.sink != sink) continue;
      const std::string tries = failing.attempts == 1
                                    ? std::string("once")
                                    : "up to " + std::to_string(failing.attempts) + " times";
      printFormatted(*context.redactor, out, "  failed %s; last error: %s\n", tries.c_str(),
                     core::printableExcerpt(failing.last_error, 300).c_str());
    }
  }
  // An empty outbox is said too: a missing line would read as a sink the file knows nothing of
  // (a trial). With -c, per sink the config enables.
  const auto pending = [&](const std::string& sink) {
    return std::any_of(summary->outbox_depth.begin(), summary->outbox_depth.end(),
                       [&](const auto& entry) { return entry.first == sink; });
  };
  if (target.sinks) {
    for (const std::string& sink : *target.sinks) {
      if (pending(sink)) continue;
      printFormatted(*context.redactor, out, "outbox %s: 0 pending\n",
                     core::printableExcerpt(sink, 40).c_str());
    }
  } else if (summary->outbox_depth.empty()) {
    printFormatted(*context.redactor, out, "outbox: nothing pending\n");
  }
  return core::kExitOk;
}

// --hunt, for gaps and rewind: a misspelt name would read as "no gaps" or "nothing changed", so
// it must name a hunt the store knows. Returns 0 when it does (or none was given), else the exit.
int checkKnownHunt(state::StateStore& store, const std::string& hunt, CommandContext& context) {
  if (hunt.empty()) return core::kExitOk;
  auto summary = store.summary();
  if (!summary) return fail(context, summary.error(), core::kExitState);
  std::vector<std::string> known;
  for (const auto& recorded : summary->hunts) known.push_back(recorded.hunt);
  if (std::find(known.begin(), known.end(), hunt) != known.end()) return core::kExitOk;
  const std::string nearest = service::nearestName(hunt, known);
  std::string message =
      "the state file has no ledger for a hunt named '" + core::printableExcerpt(hunt, 64) + "'";
  if (!nearest.empty()) message += " (did you mean '" + nearest + "'?)";
  message += known.empty() ? "; it holds no hunt yet" : "; it holds: ";
  for (std::size_t i = 0; i < known.size(); ++i) {
    message += (i > 0 ? ", " : "") + core::printableExcerpt(known[i], 64);
  }
  return fail(context, message, core::kExitUsage);
}

int gaps(state::StateStore& store, const std::string& hunt, CommandContext& context) {
  if (const int code = checkKnownHunt(store, hunt, context); code != core::kExitOk) return code;
  auto list = store.gaps(hunt);
  if (!list) return fail(context, list.error(), core::kExitState);
  std::FILE* out = context.streams.out;
  if (list->empty()) {
    printFormatted(*context.redactor, out, "no gaps\n");
    return core::kExitOk;
  }
  printFormatted(*context.redactor, out, "%-20s %-24s %-24s %s\n", "HUNT", "FROM", "TO",
                 "RECORDED");
  bool unrecorded = false;
  for (const auto& gap : *list) {
    unrecorded = unrecorded || gap.recorded_at == 0;
    printFormatted(*context.redactor, out, "%-20s %-24s %-24s %s\n",
                   core::printableExcerpt(gap.hunt, 20).c_str(),
                   core::formatIso8601(gap.from).c_str(), core::formatIso8601(gap.to).c_str(),
                   gap.recorded_at == 0 ? "-" : core::formatIso8601(gap.recorded_at).c_str());
  }
  if (unrecorded) {
    printFormatted(*context.redactor, out,
                   "-: never hunted, between a backfilled range and the rest of the ledger\n");
  }
  printFormatted(*context.redactor, out,
                 "hunt a gap with: aihunt backfill -c CONFIG --hunt H --from FROM --to TO\n");
  return core::kExitOk;
}

int rewind(state::StateStore& store, const std::string& hunt, core::EpochMs to,
           CommandContext& context) {
  if (const int code = checkKnownHunt(store, hunt, context); code != core::kExitOk) return code;
  auto rewound = store.rewindLedger(hunt, to);
  if (!rewound) return fail(context, rewound.error(), core::kExitState);
  std::FILE* out = context.streams.out;
  if (rewound->empty()) {
    printFormatted(*context.redactor, out, "nothing after %s: no ledger changed\n",
                   core::formatIso8601(to).c_str());
    return core::kExitOk;
  }
  for (const state::LedgerRewind& r : *rewound) {
    printFormatted(*context.redactor, out,
                   "hunt %s: %llu window(s) and %llu gap(s) ending after %s forgotten; it now ends "
                   "at %s\n",
                   core::printableExcerpt(r.hunt, 64).c_str(),
                   static_cast<unsigned long long>(r.windows),
                   static_cast<unsigned long long>(r.gaps), core::formatIso8601(to).c_str(),
                   r.end ? core::formatIso8601(*r.end).c_str() : "- (no ledger: hunted afresh)");
  }
  printFormatted(*context.redactor, out,
                 "the next run hunts from there, up to catch_up_max back; findings already raised "
                 "stay repeats\n");
  return core::kExitOk;
}

}  // namespace

int runStateCommand(const std::vector<std::string>& args, CommandContext& context) {
  po::options_description options(
      "aihunt state show|gaps|check|vacuum|rewind (-c CONFIG | --state FILE): the daemon's state "
      "store");
  options.add_options()("help,h", "show this help")("action", po::value<std::string>(),
                                                    "show, gaps, check, vacuum or rewind")(
      "config,c", po::value<std::string>(), "config file (its state.path)")(
      "state", po::value<std::string>(), "the state file itself")("hunt", po::value<std::string>(),
                                                                  "gaps, rewind: only this hunt")(
      "to", po::value<std::string>(),
      "rewind: take the ledgers back to this time, e.g. 2026-11-26T18:00:00Z (whole minutes)");
  addLoggingOptions(options);
  po::positional_options_description positional;
  positional.add("action", 1);
  po::variables_map values;
  if (!parseOptions(args, options, positional, values, context.streams)) return core::kExitUsage;
  if (values.count("help") == 0 && values.count("action") == 0) {
    return fail(context,
                "give an action: show, gaps, check, vacuum or rewind (aihunt state --help)",
                core::kExitUsage);
  }
  if (values.count("help") != 0) {
    return printHelp(
        options,
        "\nshow: per hunt, the ledger's range, windows, findings, repeats and "
        "gaps; the outbox per sink; with -c, the ledgers of hunts the config no "
        "longer has and its hunts with no ledger yet.\ngaps: stretches the daemon "
        "will not hunt (older than catch_up_max after downtime, or left between a "
        "backfilled range and the rest of the ledger).\ncheck: a full integrity check; "
        "exit 5 when the file is damaged (then: back it up, and start 'aihunt run "
        "--state-reset').\nvacuum: compacts the file (stop the daemon first).\nrewind --to "
        "TIME: forgets the windows and gaps after TIME (every hunt's, or --hunt's), so that the "
        "next run hunts them again; for a clock that ran ahead, which leaves the daemon hunting "
        "nothing until now reaches the ledger's end. Seen findings stay repeats. Stop the "
        "daemon first.\n",
        context.streams);
  }
  if (!setUpLogging(values, context)) return core::kExitUsage;
  const std::string action = values["action"].as<std::string>();
  if (values.count("hunt") != 0 && (action == "show" || action == "check" || action == "vacuum")) {
    return fail(context, "--hunt is for 'state gaps' and 'state rewind' only", core::kExitUsage);
  }
  auto target = stateTarget(values, context);
  if (!target) return fail(context, target.error(), core::kExitUsage);
  {
    // Absolute, as run and backfill print it: a relative state.path is the working
    // directory's, which the path alone hides (a trial compared the two).
    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::absolute(target->path, error);
    if (!error) target->path = absolute.lexically_normal().string();
  }
  const std::string* path = &target->path;
  if (action == "check") {
    auto problems = state::checkStateFile(*path);
    if (!problems) return fail(context, problems.error(), core::kExitState);
    if (problems->empty()) {
      printFormatted(*context.redactor, context.streams.out, "state %s: ok\n", path->c_str());
      return core::kExitOk;
    }
    printFormatted(*context.redactor, context.streams.out, "state %s: DAMAGED\n", path->c_str());
    for (const auto& problem : *problems) {
      printFormatted(*context.redactor, context.streams.out, "  %s\n",
                     core::printableExcerpt(problem, 300).c_str());
    }
    printFormatted(*context.redactor, context.streams.out,
                   "keep a copy of the file, then start 'aihunt run --state-reset' to move it "
                   "aside and begin afresh (windows are hunted again from catch_up_max)\n");
    return core::kExitState;
  }
  if (action != "show" && action != "gaps" && action != "vacuum" && action != "rewind") {
    const std::string nearest =
        service::nearestName(action, {"show", "gaps", "check", "vacuum", "rewind"});
    return fail(context,
                "unknown action '" + core::printableExcerpt(action, 60) + "'" +
                    (nearest.empty() ? "" : "; did you mean '" + nearest + "'?") +
                    " (show, gaps, check, vacuum, rewind)",
                core::kExitUsage);
  }
  if ((values.count("to") != 0) != (action == "rewind")) {
    return fail(context,
                action == "rewind" ? "give --to TIME: where to take the ledgers back to"
                                   : "--to is for 'state rewind' only",
                core::kExitUsage);
  }
  std::optional<core::EpochMs> rewind_to;
  if (action == "rewind") {
    auto to = timestampOption(values, "to");
    if (!to) return fail(context, to.error(), core::kExitUsage);
    // Windows are whole minutes: a ledger cut elsewhere would start the next window off the
    // minute.
    rewind_to = aql::floorToMinute(*to);
  }
  const bool writes = action == "vacuum" || action == "rewind";
  state::OpenOptions open;
  open.create = false;
  open.read_only = !writes;
  // Vacuum and rewind write the file: not under a running daemon (state/instance_lock.h).
  state::InstanceLock lock;
  if (writes) {
    // Checked before the lock, whose file would otherwise be left beside a state file that
    // never was.
    std::error_code error;
    if (!std::filesystem::exists(*path, error)) {
      return fail(
          context,
          "state file " + *path + (error ? ": " + error.message() : std::string(" does not exist")),
          core::kExitState);
    }
    auto acquired = state::InstanceLock::acquire(
        *path, "'aihunt state " + action +
                   "' changes the file, so it waits for no run: stop the daemon (or let the run "
                   "finish), then run it again");
    if (!acquired) {
      return fail(
          context, acquired.error(),
          acquired.error().code == core::ErrorCode::kBusy ? core::kExitBusy : core::kExitState);
    }
    lock = std::move(*acquired);
  }
  auto store = state::StateStore::open(*path, open);
  if (!store) return fail(context, store.error(), core::kExitState);
  if (action == "show") return show(**store, *target, context);
  if (action == "gaps") {
    return gaps(**store, values.count("hunt") != 0 ? values["hunt"].as<std::string>() : "",
                context);
  }
  if (action == "rewind") {
    return rewind(**store, values.count("hunt") != 0 ? values["hunt"].as<std::string>() : "",
                  *rewind_to, context);
  }
  if (auto vacuumed = (*store)->vacuum(); !vacuumed) {
    return fail(context, vacuumed.error(), core::kExitState);
  }
  printFormatted(*context.redactor, context.streams.out, "state %s: vacuumed\n", path->c_str());
  return core::kExitOk;
}

}  // namespace aihunt::cli
