#pragma once
// What the offense-notes sink writes (service/offense_notes_sink.h), without any I/O: a batch of
// outbox findings grouped per (source IP, hunt, hunt window), and the note that summarises one
// group. Pure, so the grouping and the text are tested without a console.
//
// A note starts with its marker, `[aihunt window <hunt> <from>/<to> <first finding>]`, and
// nothing else may start with it: every value after the marker comes from findings (hostile data)
// and is sanitised here for the note (no control characters, valid UTF-8, cut), and a note counts
// as present only when its text starts with the marker, so a value quoting a marker cannot forge
// one. The window is the finding's `window` key (`<from>/<to>`, written by the daemon's ledger);
// an older finding without one falls back to its event's UTC hour.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "state/state_store.h"

namespace aihunt::service {

struct WindowFindings {
  std::string source_ip;  // an IP literal (the offense index)
  std::string hunt;
  std::string window;  // "<from>/<to>", ISO 8601 UTC
  std::size_t count = 0;
  std::map<std::string, std::size_t> severities;  // lower-case name -> findings
  std::map<std::string, std::size_t> signals;     // signal name -> findings with it
  std::int64_t top_risk = -1;                     // the highest risk_score; -1: none had one
  // Distinct values in batch order, raw (sanitised when the note is written).
  std::vector<std::string> providers;
  std::vector<std::string> processes;
  std::vector<std::string> users;
  std::vector<std::string> hosts;  // the findings' `host` (the endpoint an analyst pivots on)
  std::vector<std::string> finding_ids;
  std::vector<std::int64_t> row_ids;  // the outbox rows of these findings
  // The latest first due time of those rows (state::OutboxRow::first_due_at); 0 when none has.
  core::EpochMs first_due = 0;
  bool tried_before = false;  // a row of them was tried before (due later than first due)
};

struct NoteGroups {
  std::vector<WindowFindings> groups;  // in order of first appearance
  std::size_t unreadable = 0;          // payloads that are not finding objects
  std::size_t without_source = 0;      // findings with no IP literal as source_ip
};

NoteGroups groupFindingsForNotes(const std::vector<state::OutboxRow>& rows);

// `[aihunt window <hunt> <window> <first finding id, 8 characters>]`, each part sanitised.
std::string noteMarker(std::string_view hunt, std::string_view window,
                       std::string_view first_finding_id);

// The marker of aihunt before 2026-12-05, `[aihunt window <hunt> <window>]`: one note per window.
// An offense with such a note for a window gets no other note for that window, as before.
std::string legacyNoteMarker(std::string_view hunt, std::string_view window);

// The marker of `group`'s note.
std::string noteMarker(const WindowFindings& group);

// The marker, then the summary: count, highest risk score, severities, signals (why each finding
// was raised), providers, processes, users, hosts and shortened finding ids, at most `max_chars`
// code points (lists are cut with "+N more"; the marker is always whole).
std::string noteText(const WindowFindings& group, std::size_t max_chars);

// True when one of `notes` starts with `marker`.
bool hasMarkedNote(const std::vector<std::string>& notes, std::string_view marker);

// A value as it may appear in a note: what the display sanitiser hides (controls, bidi overrides
// and isolates, zero-width and other invisible characters; core::isHiddenOrControl) becomes a
// space, text that is not valid UTF-8 keeps only its ASCII, and the result is cut to
// `max_chars` code points ("…" marks a cut).
std::string sanitizeNoteValue(std::string_view value, std::size_t max_chars);

}  // namespace aihunt::service
