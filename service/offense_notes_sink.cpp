#include "service/offense_notes_sink.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/text.h"
#include "qradar_client/rule_names.h"

namespace aihunt::service {

OffenseNotesSink::OffenseNotesSink(OffenseNotesSinkOptions options, QRadarConnector connect,
                                   std::shared_ptr<spdlog::logger> logger)
    : options_(std::move(options)),
      match_lower_(core::asciiLowered(options_.match_description)),
      match_rule_lower_(core::asciiLowered(options_.match_rule)),
      connect_(std::move(connect)),
      logger_(std::move(logger)) {
  if (options_.metrics != nullptr) {
    options_.metrics->declare(
        "aihunt_offense_notes_total", core::MetricType::kCounter,
        "Offense notes per hunt window: added, already present (a redelivery), not written "
        "because the source IP had no open aihunt offense (no_offense), or tried again later "
        "because it had none yet (retry)",
        {"result"});
    // From 0, so that the first of each is an increase a rate() can see.
    for (const char* result : {"added", "already_present", "no_offense", "retry"}) {
      options_.metrics->add("aihunt_offense_notes_total", {result}, 0);
    }
  }
}

core::Result<state::SinkProgress> OffenseNotesSink::mark() {
  state::SinkProgress progress;
  progress.sink = name_;
  progress.target = "qradar offense notes";
  return progress;
}

std::string OffenseNotesSink::rollbackDetail(const state::SinkProgress& /*progress*/) const {
  return "nothing to undo in the offense notes (a note's marker stops a second one)";
}

core::Status OffenseNotesSink::rollback(const state::SinkProgress& /*progress*/) {
  // Nothing to undo: the batch is delivered again, and the notes' markers stop a second note.
  return {};
}

void OffenseNotesSink::count(const char* result) {
  if (options_.metrics != nullptr) options_.metrics->add("aihunt_offense_notes_total", {result});
}

core::Result<std::vector<qradar::OffenseSummary>> OffenseNotesSink::listedOffensesOf(
    qradar::OffenseClient& client, const std::string& source_ip,
    std::optional<std::vector<qradar::OffenseSummary>>& open_offenses) {
  if (!source_filter_refused_) {
    // `source_ip` is an IP literal (offense_note_text.cpp checks it): nothing in it can end the
    // quoted string. Filter syntax: IBM's GET /siem/offenses reference,
    // https://ibmsecuritydocs.github.io/qradar_api_14.0/14.0--siem-offenses-GET.html, and IBM's
    // api-samples siem/02_HideOffenses.py (status="OPEN"). The same reference (12.0 to 26.0)
    // marks offense_source "Sortable" but not "Filterable"; public clients filter on it. A
    // console that ignores the filter is caught by the check of each answer in offensesOf(),
    // one that refuses it here.
    auto listed = client.list("status = \"OPEN\" and offense_source = \"" + source_ip + "\"",
                              options_.max_offenses_per_source);
    if (listed || listed.error().code != core::ErrorCode::kInvalidArgument) return listed;
    source_filter_refused_ = true;
    logger_->warn(
        "offense notes: the console refuses a filter on offense_source ({}); each batch now "
        "reads the {} most recently updated open offenses and picks each source's among them",
        core::printableExcerpt(listed.error().message, 200), kOpenOffensesRead);
  }
  if (!open_offenses) {
    auto listed = client.list("status = \"OPEN\"", kOpenOffensesRead, "-last_updated_time");
    if (!listed) return listed.error();
    open_offenses = std::move(*listed);
  }
  std::vector<qradar::OffenseSummary> of_source;
  for (const qradar::OffenseSummary& offense : *open_offenses) {
    if (of_source.size() >= options_.max_offenses_per_source) break;
    if (offense.offense_source == source_ip) of_source.push_back(offense);
  }
  return of_source;
}

core::Result<std::vector<qradar::OffenseSummary>> OffenseNotesSink::offensesOf(
    qradar::OffenseClient& client, const std::string& source_ip,
    std::optional<std::vector<qradar::OffenseSummary>>& open_offenses,
    std::size_t& described_otherwise) {
  described_otherwise = 0;
  auto listed = listedOffensesOf(client, source_ip, open_offenses);
  if (!listed) return listed.error();
  std::vector<qradar::OffenseSummary> ours;
  std::vector<qradar::OffenseSummary> others;
  for (auto& offense : *listed) {
    // The filter is the console's; checked again here, as a console that ignored it would
    // otherwise have every offense noted.
    if (offense.id <= 0 || offense.status != "OPEN" || offense.offense_source != source_ip) {
      continue;
    }
    if (core::icontainsLower(offense.description, match_lower_)) {
      ours.push_back(std::move(offense));
    } else {
      others.push_back(std::move(offense));
    }
  }
  if (!others.empty() && !match_rule_lower_.empty()) {
    // The names known so far tell, whether or not the console gives more now.
    if (matchesByRule()) {
      if (auto learned = learnRuleNames(others); !learned) return learned.error();
    }
    std::vector<qradar::OffenseSummary> unmatched;
    for (auto& offense : others) {
      if (const std::int64_t rule = aihuntRuleOf(offense); rule != 0) {
        sayJoined(source_ip, offense, rule);
        ours.push_back(std::move(offense));
      } else {
        unmatched.push_back(std::move(offense));
      }
    }
    others = std::move(unmatched);
  }
  described_otherwise = others.size();
  // Only a source with no offense of aihunt's: another rule's offenses beside aihunt's are the
  // normal case on a busy source (a review).
  if (ours.empty() && !others.empty()) warnDescribedOtherwise(source_ip, others.front());
  return ours;
}

core::TimePoint OffenseNotesSink::now() const {
  return options_.clock != nullptr ? options_.clock->now() : std::chrono::system_clock::now();
}

bool OffenseNotesSink::matchesByRule() const {
  return !match_rule_lower_.empty() &&
         (!rules_refused_at_ || now() - *rules_refused_at_ >= kRulesAskedAgainAfter);
}

bool OffenseNotesSink::ruleNameDue(std::int64_t id) const {
  const auto known = rule_names_.find(id);
  if (known == rule_names_.end()) return true;
  // A rule the console did not list may be one the token may not see yet: asked again later.
  return known->second.unlisted_at && now() - *known->second.unlisted_at >= kRulesAskedAgainAfter;
}

core::Status OffenseNotesSink::learnRuleNames(const std::vector<qradar::OffenseSummary>& offenses) {
  std::set<std::int64_t> due;
  for (const qradar::OffenseSummary& offense : offenses) {
    for (const std::int64_t id : offense.rule_ids) {
      if (due.size() >= kRuleIdsAskedPerBatch) break;  // the rest with a later batch
      if (ruleNameDue(id)) due.insert(id);
    }
  }
  if (due.empty()) return {};
  const std::vector<std::int64_t> asked(due.begin(), due.end());
  auto names = qradar::readRuleNames(*connection_->api, asked);
  if (!names) {
    const core::ErrorCode code = names.error().code;
    // Only what a later try may well not meet keeps the batch: no answer, or a console that
    // cannot answer now. Anything else is a refusal (rule names are an extra, and a batch kept
    // for it would hold back the notes the descriptions alone can place).
    if (code == core::ErrorCode::kUnavailable || code == core::ErrorCode::kTransport ||
        code == core::ErrorCode::kTimeout || code == core::ErrorCode::kCancelled) {
      return names.error();
    }
    rules_refused_at_ = now();
    if (rules_refusal_said_) {
      logger_->debug(
          "offense notes: the console still does not give the names of offense "
          "rules ({})",
          core::printableExcerpt(names.error().message, 200));
      return {};
    }
    rules_refusal_said_ = true;
    // The capability is the likely cause of a 401 or 403 only.
    const char* capability =
        code == core::ErrorCode::kAuth
            ? " A token whose role has View Custom Rules (under Offenses and under Log Activity) "
              "may read them."
            : "";
    logger_->warn(
        "offense notes: the console does not give the names of offense rules ({}); offenses "
        "are told by their description and the rule names known so far, so an offense another "
        "rule opened and named, that aihunt's events joined, may get no note.{} aihunt asks "
        "again after {} (outputs.offense_notes.match_rule: '' stops asking)",
        core::printableExcerpt(names.error().message, 200), capability,
        core::formatDuration(
            std::chrono::duration_cast<std::chrono::milliseconds>(kRulesAskedAgainAfter)));
    return {};
  }
  if (rules_refused_at_) {
    rules_refused_at_.reset();
    logger_->info("offense notes: the console gives the names of offense rules now");
  }
  if (rule_names_.size() + asked.size() > kRuleNamesKept) rule_names_.clear();
  const core::TimePoint at = now();
  for (const std::int64_t id : asked) {
    const auto named = names->find(id);
    RuleName& entry = rule_names_[id];
    if (named == names->end()) {
      entry = RuleName{std::string(), at};
    } else {
      entry = RuleName{std::move(named->second), std::nullopt};
    }
  }
  return {};
}

std::int64_t OffenseNotesSink::aihuntRuleOf(const qradar::OffenseSummary& offense) const {
  for (const std::int64_t id : offense.rule_ids) {
    const auto named = rule_names_.find(id);
    if (named != rule_names_.end() && !named->second.name.empty() &&
        core::icontainsLower(named->second.name, match_rule_lower_)) {
      return id;
    }
  }
  return 0;
}

void OffenseNotesSink::sayJoined(const std::string& source_ip,
                                 const qradar::OffenseSummary& offense, std::int64_t rule) {
  // Said at info, once per rule: a match_rule that is too short ("AI" is in "domain") would
  // note other rules' offenses, and this is where an operator sees which rule counted.
  if (rules_said_.size() >= kRulesSaid || !rules_said_.insert(rule).second) {
    logger_->debug("offense notes: offense {} of {} is noted: rule {} contributed to it",
                   offense.id, source_ip, rule);
    return;
  }
  const std::string name = core::printableExcerpt(rule_names_.at(rule).name, 120);
  logger_->info(
      "offense notes: open offense {} of {} is named '{}', and rule '{}' (id {}), whose name "
      "holds outputs.offense_notes.match_rule '{}', contributed to it: it counts as aihunt's, "
      "and it is noted",
      offense.id, source_ip, core::printableExcerpt(core::trim(offense.description), 120), name,
      rule, core::printableExcerpt(options_.match_rule, 80));
  // Two rules that both hold match_rule: one of them is most likely not aihunt's.
  if (!first_rule_counted_) {
    first_rule_counted_ = std::make_pair(rule, name);
  } else if (!second_rule_warned_) {
    second_rule_warned_ = true;
    logger_->warn(
        "offense notes: rules '{}' (id {}) and '{}' (id {}) both hold "
        "outputs.offense_notes.match_rule '{}', so offenses either contributed to count as "
        "aihunt's: set match_rule to a part of aihunt's rule's name that no other rule has "
        "('aihunt check' lists the rules that hold it)",
        first_rule_counted_->second, first_rule_counted_->first, name, rule,
        core::printableExcerpt(options_.match_rule, 80));
  }
}

std::string OffenseNotesSink::rulesOf(const qradar::OffenseSummary& offense) const {
  constexpr std::size_t kShown = 5;
  std::string said;
  for (std::size_t i = 0; i < offense.rule_ids.size() && i < kShown; ++i) {
    const std::int64_t id = offense.rule_ids[i];
    const auto named = rule_names_.find(id);
    if (!said.empty()) said += ", ";
    said += named != rule_names_.end() && !named->second.name.empty()
                ? "'" + core::printableExcerpt(named->second.name, 80) + "' (id " +
                      std::to_string(id) + ")"
                : "id " + std::to_string(id) + " (not listed)";
  }
  if (offense.rule_ids.size() > kShown) {
    said += " and " + std::to_string(offense.rule_ids.size() - kShown) + " more";
  }
  return said.empty() ? "none listed" : said;
}

void OffenseNotesSink::warnDescribedOtherwise(const std::string& source_ip,
                                              const qradar::OffenseSummary& offense) {
  // Server data: shown as a short printable excerpt, and remembered by it (a bounded set).
  const std::string description = core::printableExcerpt(core::trim(offense.description), 120);
  if (described_otherwise_said_.count(description) != 0) return;
  if (described_otherwise_said_.size() >= kOtherDescriptionsSaid) {
    if (!described_otherwise_capped_) {
      described_otherwise_capped_ = true;
      logger_->warn(
          "offense notes: {} names of other offenses were warned of already; further names "
          "are not",
          kOtherDescriptionsSaid);
    }
    return;
  }
  described_otherwise_said_.insert(description);
  // QRadar names an offense after the event that opened it when the rule dispatches none
  // (docs/qradar-setup.md, step 4, with IBM's source).
  const std::string match = core::printableExcerpt(options_.match_description, 80);
  if (matchesByRule()) {
    // Its rules' names were read, and none holds match_rule: an offense of aihunt's rule, or
    // one its events joined, would have it.
    logger_->warn(
        "offense notes: {} has open offense {} named '{}' but none whose name holds "
        "outputs.offense_notes.match_description '{}' or that a rule whose name holds "
        "match_rule '{}' contributed to (its rules: {}), so no note goes on it. Either aihunt's "
        "rule is named otherwise (set match_rule to a part of its name){} or it has made no "
        "offense of these events: it needs their QIDs (docs/qradar-setup.md, step 2) and the "
        "log source whose identifier is outputs.leef.hostname (step 3; 'aihunt check' looks)",
        source_ip, offense.id, description, match, core::printableExcerpt(options_.match_rule, 80),
        rulesOf(offense),
        std::any_of(offense.rule_ids.begin(), offense.rule_ids.end(),
                    [this](std::int64_t id) {
                      const auto named = rule_names_.find(id);
                      return named == rule_names_.end() || named->second.name.empty();
                    })
            ? ", or it is a rule the console did not list, which the token may not see (event "
              "rules need View Custom Rules under Log Activity),"
            : "");
    return;
  }
  // match_rule off, or the rules' names refused: the name is all there is to go by.
  const std::string joined =
      rulesRefused() ? "aihunt's events joined it (one open offense per source IP; the console "
                       "did not give its rules' names, so match_rule could not tell)"
                     : "aihunt's events joined it (one open offense per source IP; "
                       "outputs.offense_notes.match_rule notes such offenses, with a token "
                       "that may read rules)";
  logger_->warn(
      "offense notes: {} has open offense {} named '{}' but none whose name holds "
      "outputs.offense_notes.match_description '{}', so no note goes on it. If it is aihunt's "
      "(named after its first event's QID name), set match_description to a part of that name "
      "or start the QID names with 'aihunt' (docs/qradar-setup.md, step 2). If it is another "
      "rule's, either {} or aihunt's rule has made no offense of them: it needs their QIDs "
      "(step 2) and the log source whose identifier is outputs.leef.hostname (step 3; 'aihunt "
      "check' looks)",
      source_ip, offense.id, description, match, joined);
}

core::Status OffenseNotesSink::deliverGroups(const NoteGroups& grouped, Tally& tally) {
  if (!connection_) {
    auto opened = connect_();
    if (!opened) return opened.error();
    connection_ = std::move(*opened);
  }
  qradar::OffenseClient client(*connection_->api);
  // Per batch: each source's offenses and each offense's notes are read once.
  std::map<std::string, std::vector<qradar::OffenseSummary>> offenses;
  std::map<std::string, std::size_t> described_otherwise;
  std::map<std::int64_t, std::vector<std::string>> notes;
  std::optional<std::vector<qradar::OffenseSummary>> open_offenses;  // when the filter is refused
  for (const WindowFindings& group : grouped.groups) {
    auto found = offenses.find(group.source_ip);
    if (found == offenses.end()) {
      std::size_t others = 0;
      auto listed = offensesOf(client, group.source_ip, open_offenses, others);
      if (!listed) return listed.error().withContext("offenses of " + group.source_ip);
      found = offenses.emplace(group.source_ip, std::move(*listed)).first;
      described_otherwise[group.source_ip] = others;
    }
    const std::size_t others = described_otherwise[group.source_ip];
    if (found->second.empty() && triesAgain(group)) {
      count("retry");
      tally.retried += group.count;
      ++tally.groups_retried;
      retries_.rows.insert(retries_.rows.end(), group.row_ids.begin(), group.row_ids.end());
      if (!group.tried_before) {
        // Said once per note: the tries that follow are the same news.
        logger_->info(
            "offense notes: {} has no open aihunt offense yet{}; the note for {} {} ({}) is "
            "tried again every {}, and given up at the first try after {}",
            group.source_ip, otherDescriptions(others), core::printableExcerpt(group.hunt),
            core::printableExcerpt(group.window), core::counted(group.count, "finding"),
            core::formatDuration(retryAfter()),
            core::formatIso8601(group.first_due + options_.wait_for_offense.count()));
      }
      continue;
    }
    if (found->second.empty()) {
      logger_->debug("offense notes: {} has no open aihunt offense; no note for {} {}",
                     group.source_ip, core::printableExcerpt(group.hunt),
                     core::printableExcerpt(group.window));
      count("no_offense");
      tally.without_offense += group.count;
      ++tally.groups_without_offense;
      if (others > 0) {
        tally.described_otherwise += group.count;
        ++tally.groups_described_otherwise;
      }
      finished_rows_.insert(finished_rows_.end(), group.row_ids.begin(), group.row_ids.end());
      continue;
    }
    const std::string marker = noteMarker(group);
    const std::string legacy_marker = legacyNoteMarker(group.hunt, group.window);
    bool added_any = false;
    for (const qradar::OffenseSummary& offense : found->second) {
      auto known = notes.find(offense.id);
      if (known == notes.end()) {
        auto listed = client.listNotes(offense.id, options_.max_notes_read);
        if (!listed) {
          return listed.error().withContext("offense " + std::to_string(offense.id));
        }
        std::vector<std::string> texts;
        texts.reserve(listed->size());
        for (auto& note : *listed) texts.push_back(std::move(note.note_text));
        known = notes.emplace(offense.id, std::move(texts)).first;
      }
      if (hasMarkedNote(known->second, marker) || hasMarkedNote(known->second, legacy_marker)) {
        count("already_present");
        continue;
      }
      std::string text = noteText(group, options_.max_note_chars);
      if (auto added = client.addNote(offense.id, text); !added) {
        return added.error().withContext("offense " + std::to_string(offense.id));
      }
      logger_->info("offense {}: note added for {} ({}, {})", offense.id, group.source_ip,
                    core::counted(group.count, "finding"), core::printableExcerpt(marker, 160));
      known->second.push_back(std::move(text));
      count("added");
      added_any = true;
    }
    (added_any ? tally.noted : tally.already_noted) += group.count;
    finished_rows_.insert(finished_rows_.end(), group.row_ids.begin(), group.row_ids.end());
  }
  return {};
}

bool OffenseNotesSink::triesAgain(const WindowFindings& group) const {
  if (options_.wait_for_offense.count() <= 0) return false;
  const core::EpochMs now = core::toEpochMs(
      options_.clock != nullptr ? options_.clock->now() : std::chrono::system_clock::now());
  // Rows with no first due time were not given one by the outbox: nothing says how long they
  // have been tried, so they are not tried again.
  if (group.first_due <= 0) return false;
  return now < group.first_due + options_.wait_for_offense.count();
}

std::chrono::milliseconds OffenseNotesSink::retryAfter() const {
  if (options_.wait_for_offense.count() <= 0) return {};
  return std::max(options_.delay, kMinRetry);
}

Sink::Retries OffenseNotesSink::takeRetries() { return std::exchange(retries_, Retries{}); }

std::vector<std::int64_t> OffenseNotesSink::takeDeliveredOfFailed() {
  return std::exchange(finished_rows_, {});
}

void OffenseNotesSink::addDelivered(const Tally& tally) {
  delivered_.noted += tally.noted;
  delivered_.already_noted += tally.already_noted;
  delivered_.without_offense += tally.without_offense;
  delivered_.described_otherwise += tally.described_otherwise;
}

std::string OffenseNotesSink::notAihuntsBecause() const {
  std::string why = "no name holds outputs.offense_notes.match_description '" +
                    core::printableExcerpt(options_.match_description, 80) + "'";
  if (matchesByRule()) {
    why += ", and no rule whose name holds match_rule '" +
           core::printableExcerpt(options_.match_rule, 80) + "' contributed to any";
  } else if (rulesRefused()) {
    why += ", and the console did not give their rules' names";
  }
  return why;
}

std::string OffenseNotesSink::otherDescriptions(std::size_t others) const {
  if (others == 0) return {};
  return " (it has " + core::counted(others, "open offense") +
         " not aihunt's: " + notAihuntsBecause() + ")";
}

void OffenseNotesSink::warnWithoutOffense(const Tally& tally) const {
  // A warning: such a note is gone for good, which after wait_for_offense means a console far
  // slower than expected, or a rule that is not set up.
  // Those whose source had no open offense at all: QRadar slower than expected, or no offense
  // made. The others are below: waiting longer cannot help them.
  const std::size_t alone = tally.without_offense - tally.described_otherwise;
  const std::size_t alone_groups = tally.groups_without_offense - tally.groups_described_otherwise;
  if (alone > 0) {
    logger_->warn(
        "offense notes: {} had no open offense of {} source IP {} ({} not written, one per "
        "source IP, hunt and window). If their offenses appear in QRadar later, raise "
        "outputs.offense_notes.wait_for_offense; {}",
        core::counted(alone, "finding"), alone == 1 ? "its" : "their",
        options_.wait_for_offense.count() > 0
            ? "within outputs.offense_notes.wait_for_offense of " +
                  std::string(alone == 1 ? "its note's" : "their notes'") + " due time"
            : std::string(alone == 1 ? "when its note was due" : "when their notes were due"),
        core::counted(alone_groups, "note"),
        options_.leef_enabled
            ? "if none ever does, check that outputs.leef delivers and that the rule is set up "
              "(docs/qradar-setup.md)"
            : "outputs.leef is off, so aihunt's own rule makes no offense: only offenses that "
              "other rules open on the same source IPs can be noted (docs/qradar-setup.md)");
  }
  if (tally.described_otherwise > 0) {
    logger_->warn(
        "offense notes: {} had open offenses of {} source IP, but none of aihunt's: {} "
        "({} not written; the first names seen were warned of)",
        core::counted(tally.described_otherwise, "finding"),
        tally.described_otherwise == 1 ? "its" : "their", notAihuntsBecause(),
        core::counted(tally.groups_described_otherwise, "note"));
  }
}

core::Status OffenseNotesSink::deliver(const std::vector<state::OutboxRow>& rows) {
  retries_ = Retries{};
  finished_rows_.clear();
  const NoteGroups grouped = groupFindingsForNotes(rows);
  if (grouped.unreadable > 0) {
    logger_->warn("offense notes: {} outbox rows are not findings; skipped", grouped.unreadable);
  }
  if (grouped.without_source > 0) {
    logger_->debug("offense notes: {} findings have no source IP (offenses are indexed on it)",
                   grouped.without_source);
  }
  Tally tally;
  tally.without_source = grouped.without_source;
  if (!grouped.groups.empty()) {
    if (auto delivered = deliverGroups(grouped, tally); !delivered) {
      connection_.reset();   // the next attempt starts with a new connection
      retries_ = Retries{};  // what is not finished is delivered again, retried groups too
      // The groups finished before the failure leave the outbox (takeDeliveredOfFailed()):
      // said and counted now, as they will not be delivered again.
      warnWithoutOffense(tally);
      addDelivered(tally);
      return delivered;
    }
  }
  finished_rows_.clear();  // the whole batch leaves the outbox
  if (!retries_.rows.empty()) {
    retries_.why = "no open aihunt offense for " +
                   core::counted(tally.groups_retried, "source IP and hunt window",
                                 "source IPs and hunt windows") +
                   " yet (tried again, up to the first try after "
                   "outputs.offense_notes.wait_for_offense has passed)";
  }
  warnWithoutOffense(tally);
  addDelivered(tally);
  delivered_.without_source += tally.without_source;
  return {};
}

std::string OffenseNotesSink::deliveredDetail() const {
  std::string detail;
  const auto part = [&](std::size_t count, const char* what) {
    if (count == 0) return;
    detail += (detail.empty() ? "" : ", ") + std::to_string(count) + " " + what;
  };
  part(delivered_.noted, "noted");
  part(delivered_.already_noted, "noted before");
  part(delivered_.without_offense, "without an open offense to note");
  if (delivered_.described_otherwise > 0) {
    // Their sources had open offenses, none of them aihunt's by name or rule.
    detail += ", " + std::to_string(delivered_.described_otherwise) +
              " of them beside open offenses not aihunt's";
  }
  part(delivered_.without_source, "without a source IP");
  return detail;
}

}  // namespace aihunt::service
