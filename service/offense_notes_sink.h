#pragma once
// Offense notes (outputs.offense_notes): a finding whose source IP has an open offense made by
// aihunt's rule gets that offense a note summarising the source's findings of the hunt window:
// one note per offense per hunt window and batch (a busy source's window can take several
// batches; each part's marker names it by its first finding, service/offense_note_text.h).
//
// Per batch, the findings are grouped per (source IP, hunt, window); per source, the open
// offenses are listed with QRadar's filter `status = "OPEN" and offense_source = "<ip>"` and
// kept when their description contains outputs.offense_notes.match_description (the description
// is not filterable in IBM's API reference, so it is compared here), or when a rule whose name
// contains outputs.offense_notes.match_rule contributed to them: QRadar keeps one open offense
// per source, so aihunt's events can join an offense another rule opened, which keeps that
// rule's name (qradar_client/rule_names.h reads the rules' names, once per rule id and process;
// a console that refuses them leaves the description alone to tell). Each kept offense's notes
// are read once per batch; a group whose marker starts one of them is already noted, otherwise
// its note is added (POST .../notes?note_text=...).
//
// Offenses exist only after QRadar's rule has processed aihunt's LEEF events, and the offense
// list shows them a while later still. So a finding's note waits in the outbox until `delay`
// after the LEEF sink delivered that finding (Sink::waitAfterLeader()). A source that still has
// no offense then (QRadar was slower than the delay, or the rule is not set up) is tried again
// every retryAfter() until `wait_for_offense` after the note was first due (Sink::takeRetries();
// the rows stay in the outbox, so restarts keep the count). After that the window gets no note:
// counted as no_offense, not an error.
//
// Delivery is at least once and idempotent: delivering a batch again (after a crash or a failed
// request) finds the markers of the notes already added and adds no second one. mark() records
// only where the notes go and rollback() has nothing to undo. An error leaves in the outbox the
// rows of the groups not finished yet; those whose notes were added (or that had no offense to
// note) leave it at once (takeDeliveredOfFailed()), since a batch read again may hold other rows
// and so give a group another first finding, which would make a second note of the same
// findings. The next attempt opens a new connection.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/result.h"
#include "qradar_client/offense_client.h"
#include "service/offense_note_text.h"
#include "service/reference_set_sink.h"
#include "service/sink.h"

namespace aihunt::service {

struct OffenseNotesSinkOptions {
  std::string match_description = "aihunt";  // ASCII case-insensitive substring
  std::string match_rule = "aihunt";         // of a contributing rule's name; empty: off
  std::size_t max_note_chars = 2000;
  std::size_t max_offenses_per_source = 10;  // open offenses of one source looked at
  std::size_t max_notes_read = 10'000;       // notes of one offense searched for a marker
  // How long after the LEEF event a finding's note is due (outputs.offense_notes.delay).
  std::chrono::milliseconds delay{120'000};
  // How long after a note was first due it is tried again while its source has no open aihunt
  // offense (outputs.offense_notes.wait_for_offense); zero: never.
  std::chrono::milliseconds wait_for_offense{30 * 60'000};
  // Whether outputs.leef sends aihunt's findings to QRadar: without it, only offenses other
  // rules open on the same sources can be noted, and a warning says so instead of pointing at
  // the LEEF delivery.
  bool leef_enabled = true;
  // The wall clock that judges it, the same as the outbox's (OutboxOptions::clock); nullptr:
  // the system clock.
  const core::Clock* clock = nullptr;
  // When set: aihunt_offense_notes_total{result}, result "added", "already_present" (per offense
  // and hunt window), "no_offense" (per source and hunt window, given up) or "retry" (per source
  // and hunt window, per try that found no offense and will try again).
  core::Metrics* metrics = nullptr;
};

class OffenseNotesSink final : public Sink {
 public:
  OffenseNotesSink(OffenseNotesSinkOptions options, QRadarConnector connect,
                   std::shared_ptr<spdlog::logger> logger);

  [[nodiscard]] const std::string& name() const override { return name_; }
  [[nodiscard]] core::Result<state::SinkProgress> mark() override;
  [[nodiscard]] core::Status rollback(const state::SinkProgress& progress) override;
  [[nodiscard]] std::string rollbackDetail(const state::SinkProgress& progress) const override;
  [[nodiscard]] core::Status deliver(const std::vector<state::OutboxRow>& rows) override;
  // "3 noted, 20 without an open offense, ...": the parts that are not zero.
  // The descriptions of open offenses, of sources with findings but no aihunt offense, that
  // lacked match_description and were warned of (each once, as printable excerpts; at most
  // kOtherDescriptionsSaid).
  [[nodiscard]] const std::set<std::string>& otherDescriptionsSaid() const {
    return described_otherwise_said_;
  }
  [[nodiscard]] std::string deliveredDetail() const override;
  [[nodiscard]] std::string_view follows() const override { return "leef"; }
  [[nodiscard]] bool usesConsoleToken() const override { return true; }
  [[nodiscard]] std::chrono::milliseconds waitAfterLeader() const override {
    return options_.delay;
  }
  [[nodiscard]] Retries takeRetries() override;
  [[nodiscard]] std::vector<std::int64_t> takeDeliveredOfFailed() override;
  // Every `delay`, but not more often than every kMinRetry (a delay of 0s would otherwise ask
  // the console about the same sources in a tight loop); zero when nothing is tried again.
  [[nodiscard]] std::chrono::milliseconds retryAfter() const override;
  static constexpr std::chrono::milliseconds kMinRetry{5'000};
  // Open offenses read per batch when the console refuses the offense_source filter, most
  // recently updated first: an aihunt offense that a new finding would be noted on was updated
  // by that finding's LEEF event.
  static constexpr std::size_t kOpenOffensesRead = 1'000;

 private:
  // Findings of delivered batches by what became of them (of a batch that fails, only the groups
  // finished before the failure: the rest is delivered again).
  struct Tally {
    std::size_t noted = 0;                   // a note on at least one offense was added for them
    std::size_t already_noted = 0;           // every offense had the window's note already
    std::size_t without_offense = 0;         // their source had no open aihunt offense
    std::size_t without_source = 0;          // no source IP: no offense can be theirs
    std::size_t groups_without_offense = 0;  // (source, hunt, window) groups among them
    std::size_t retried = 0;                 // no open offense yet: tried again later
    std::size_t groups_retried = 0;
    // Of without_offense: findings whose source had open offenses, none of them aihunt's by
    // name (match_description) or by rule (match_rule): a rule that names its offenses
    // otherwise, a typo, or rules whose names the console did not give.
    std::size_t described_otherwise = 0;
    std::size_t groups_described_otherwise = 0;
  };
  [[nodiscard]] core::Status deliverGroups(const NoteGroups& grouped, Tally& tally);
  // aihunt's open offenses of `source_ip`; `described_otherwise`: how many other open offenses
  // the source has, whose description lacks match_description (each new description is warned
  // of once: warnDescribedOtherwise()).
  // `open_offenses`: the batch's list of open offenses, read once when the console refuses the
  // filter on offense_source (see source_filter_refused_).
  [[nodiscard]] core::Result<std::vector<qradar::OffenseSummary>> offensesOf(
      qradar::OffenseClient& client, const std::string& source_ip,
      std::optional<std::vector<qradar::OffenseSummary>>& open_offenses,
      std::size_t& described_otherwise);
  // The source's open offenses as the console lists them (not yet checked here).
  [[nodiscard]] core::Result<std::vector<qradar::OffenseSummary>> listedOffensesOf(
      qradar::OffenseClient& client, const std::string& source_ip,
      std::optional<std::vector<qradar::OffenseSummary>>& open_offenses);
  void count(const char* result);
  // Reads the names of the rules of `offenses` not known yet (rule_names_). A console that
  // refuses them (403, 404, 422 or another 4xx, or an answer that is not a list) is warned of
  // once and asked again only after kRulesAskedAgainAfter (rules_refused_at_), when a role may
  // have been given the capability; only an error worth a retry (no answer, a 5xx or 429) is
  // returned. At most kRuleIdsAskedPerBatch ids a batch.
  [[nodiscard]] core::Status learnRuleNames(const std::vector<qradar::OffenseSummary>& offenses);
  // Whether rule `id`'s name is to be asked for: unknown, or not listed a while ago.
  [[nodiscard]] bool ruleNameDue(std::int64_t id) const;
  // The id of a rule whose name holds match_rule among `offense`'s rules (names learnt first);
  // 0 when none.
  [[nodiscard]] std::int64_t aihuntRuleOf(const qradar::OffenseSummary& offense) const;
  // Says once per rule (up to kRulesSaid) which rule made an offense of another name aihunt's.
  void sayJoined(const std::string& source_ip, const qradar::OffenseSummary& offense,
                 std::int64_t rule);
  // Whether offenses are told by their rules now: match_rule is set, and the rules' names were
  // not refused in the last kRulesAskedAgainAfter.
  [[nodiscard]] bool matchesByRule() const;
  // match_rule is set, but the rules' names were refused (and are not asked for again yet).
  [[nodiscard]] bool rulesRefused() const { return !match_rule_lower_.empty() && !matchesByRule(); }
  // "'A' (id 1), id 2 (not listed)": the rules of `offense` as far as they are known.
  [[nodiscard]] std::string rulesOf(const qradar::OffenseSummary& offense) const;
  [[nodiscard]] core::TimePoint now() const;
  // Warns of an open offense of a source with findings but no aihunt offense, whose
  // description lacks match_description, once per description (up to kOtherDescriptionsSaid):
  // the note is not going to land on it however long it waits, and the name says why (a trial:
  // such offenses were only "no open aihunt offense yet" for 30 minutes of retries).
  void warnDescribedOtherwise(const std::string& source_ip, const qradar::OffenseSummary& offense);
  // Why a source's open offenses are not aihunt's: their names, and their rules when known.
  [[nodiscard]] std::string notAihuntsBecause() const;
  // " (it has N open offenses not aihunt's: ...)", or nothing when `others` is 0.
  [[nodiscard]] std::string otherDescriptions(std::size_t others) const;
  // The groups of `tally` that are finished, into delivered_ (not those without a source IP).
  void addDelivered(const Tally& tally);
  // Says how many findings' notes were given up without an offense, if any.
  void warnWithoutOffense(const Tally& tally) const;
  // Whether a group without an offense is tried again: its note was first due less than
  // wait_for_offense ago.
  [[nodiscard]] bool triesAgain(const WindowFindings& group) const;

  std::string name_ = "offense_notes";
  OffenseNotesSinkOptions options_;
  std::string match_lower_;
  std::string match_rule_lower_;
  // Rule names by id, as the console listed them: a rule renamed meanwhile is seen under its
  // old name until a restart. An id the console did not list (a deleted rule, or one the token
  // may not see) has no name, and is asked for again kRulesAskedAgainAfter later. Cleared when
  // it would pass kRuleNamesKept.
  struct RuleName {
    std::string name;
    std::optional<core::TimePoint> unlisted_at;
  };
  std::map<std::int64_t, RuleName> rule_names_;
  static constexpr std::size_t kRuleNamesKept = 10'000;
  static constexpr std::size_t kRuleIdsAskedPerBatch = 500;
  // When the console last refused the rules' names; asked again kRulesAskedAgainAfter later.
  std::optional<core::TimePoint> rules_refused_at_;
  bool rules_refusal_said_ = false;  // the refusal is warned of once per process
  // Less than wait_for_offense's default (30m), so that a role given the capability meanwhile
  // still rescues a note that waits for an offense.
  static constexpr std::chrono::minutes kRulesAskedAgainAfter{10};
  std::set<std::int64_t> rules_said_;  // rules sayJoined() named
  // The first rule that made an offense aihunt's (id, name); a second one is warned of, once.
  std::optional<std::pair<std::int64_t, std::string>> first_rule_counted_;
  bool second_rule_warned_ = false;
  static constexpr std::size_t kRulesSaid = 32;
  QRadarConnector connect_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<QRadarConnection> connection_;
  // IBM's reference does not mark offense_source as a field the offense list filters on; public
  // clients filter on it. When this console refuses such a filter (422), the sink lists the
  // most recently updated open offenses instead (status is filterable, last_updated_time
  // sortable) and picks the source's among them, for the rest of the process.
  bool source_filter_refused_ = false;
  static constexpr std::size_t kOtherDescriptionsSaid = 32;
  std::set<std::string> described_otherwise_said_;  // descriptions warnDescribedOtherwise() said
  bool described_otherwise_capped_ = false;         // said that no more are named
  Tally delivered_;
  Retries retries_;  // of the batch being delivered
  // Rows of the groups of the batch being delivered that are finished: noted (or found noted)
  // on every offense, or given up without an offense.
  std::vector<std::int64_t> finished_rows_;
};

}  // namespace aihunt::service
