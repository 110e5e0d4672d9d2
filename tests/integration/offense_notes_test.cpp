// Offense notes end to end: the real `aihunt run --once` against the real qradar-emu over TLS.
// A first run sends LEEF over the emulator's TLS syslog intake, whose custom rule
// (content/qradar/rule.yaml) makes one offense per source IP. A run over two later windows, with
// findings from the same sources, adds exactly one note per offense per window, whatever the
// number of findings in the window. The same windows hunted again from a copy of the state store
// (the findings raised and delivered a second time, as after a crash) add no note.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "state/state_store.h"
#include "tests/emulator/emu_fixture.h"
#include "tests/integration/daemon_support.h"
#include "tests/support/process_runner.h"

using aihunt::testing::iso;
using aihunt::testing::kMinute;
using aihunt::testing::ms;
using aihunt::testing::parseJson;
using aihunt::testing::ProcessResult;
using aihunt::testing::RunningEmu;
using aihunt::testing::sourcePath;
using nlohmann::json;

namespace {

constexpr const char* kToken = "7c1d9e2b-3a4f-4b5c-8d6e-9f0a1b2c3d4e";
constexpr const char* kSourceA = "10.1.4.21";
constexpr const char* kSourceB = "10.1.4.22";

// aihunt's token has `role`: hunter (Log Activity, Manage Reference Data, Offenses and View
// Custom Rules) or noter (the same without View Custom Rules).
std::string emuConfig(const std::string& role = "hunter") {
  return std::string("roles:\n  noter: [LOG_ACTIVITY, REFERENCE_DATA, OFFENSES]\n") +
         "tokens:\n  - {token: " + kToken + ", user: aihunt, role: " + role +
         "}\n  - {token: " + aihunt::testing::kHunterToken +
         ", user: analyst, role: hunter}\n  - {token: " + aihunt::testing::kAdminApiToken +
         ", user: admin, role: admin}\nadmin_token: " + aihunt::testing::kAdminToken +
         "\nariel:\n  workers: 2\n";
}

// The proxy row of the sample (PowerShell to api.openai.com) from `source` at `at`; with an
// `event_id`, which the emulator's rules match on.
std::string proxyEventFrom(const std::string& source, std::int64_t at,
                           const std::string& event_id = "") {
  json event = json::parse(aihunt::testing::proxyEvent(at));
  event["sourceip"] = source;
  if (!event_id.empty()) event["EventID"] = event_id;
  return event.dump();
}

void addEvents(RunningEmu& emu, const std::vector<std::pair<std::string, std::int64_t>>& events,
               const std::string& event_id = "") {
  std::string body;
  for (const auto& [source, at] : events) body += proxyEventFrom(source, at, event_id) + "\n";
  const auto reply = emu.admin("POST", "/admin/events", body);
  INFO(reply.body);
  REQUIRE(reply.status == 200);
}

// A folder with the token file; configs are written by writeConfig.
struct NotesRun {
  std::string dir;
  std::string config;

  [[nodiscard]] std::string path(const std::string& name) const { return dir + "/" + name; }
};

NotesRun makeRun(const std::string& prefix) {
  NotesRun run;
  run.dir = aihunt::testing::makeTempDir(prefix);
  std::ofstream(run.path("token")) << kToken;
  ::chmod(run.path("token").c_str(), 0600);
  run.config = run.path("aihunt.yaml");
  return run;
}

// The proxy hunt alone, in 15-minute windows (no merging when catching up), LEEF and/or notes
// (added `notes_delay` after the LEEF events).
void writeConfig(const NotesRun& run, const RunningEmu& emu, bool leef, bool notes,
                 const std::string& notes_delay = "0s",
                 const std::string& wait_for_offense = "0s") {
  std::ofstream out(run.config);
  out << "qradar:\n  url: " << emu.base() << "\n  token_file: " << run.path("token")
      << "\n  tls:\n    ca_file: " << emu.caFile()
      << "\noutputs:\n  jsonl:\n    path: findings.jsonl\n";
  if (leef) {
    out << "  leef:\n    enabled: true\n    host: localhost\n    port: "
        << emu.ports()["syslog_tls"].get<int>()
        << "\n    protocol: tls\n    ca_file: " << emu.caFile()
        << "\n    hostname: aihunt-notes-test\n";
  }
  if (notes) {
    out << "  offense_notes:\n    enabled: true\n    delay: " << notes_delay
        << "\n    wait_for_offense: " << wait_for_offense << "\n";
  }
  out << "state:\n  path: state.db\nhunts:\n"
      << aihunt::testing::kProxyHunt
      << "    schedule: {every: 15m, max_window: 15m, catch_up_max: 2h}\n";
}

ProcessResult runOnce(const NotesRun& run, std::int64_t now) {
  ProcessResult result =
      aihunt::testing::runProcess(aihunt::testing::binaryPath("aihunt"),
                                  {"run", "-c", run.config, "--once", "--now", iso(now)}, {}, 120);
  INFO(result.out << result.err);
  CHECK(result.out.find(kToken) == std::string::npos);
  CHECK(result.err.find(kToken) == std::string::npos);
  return result;
}

// Open offenses: offense_source -> id.
std::map<std::string, std::int64_t> offenses(RunningEmu& emu) {
  const json list = parseJson(emu.call("GET", "/api/siem/offenses?sort=%2Bid").body);
  std::map<std::string, std::int64_t> out;
  if (!list.is_array()) return out;
  for (const auto& offense : list) {
    if (offense["status"] == "OPEN") {
      out[offense["offense_source"].get<std::string>()] = offense["id"].get<std::int64_t>();
    }
  }
  return out;
}

std::vector<std::string> notesOf(RunningEmu& emu, std::int64_t offense) {
  const auto reply = emu.call("GET", "/api/siem/offenses/" + std::to_string(offense) + "/notes");
  REQUIRE(reply.status == 200);
  std::vector<std::string> out;
  for (const auto& note : parseJson(reply.body)) out.push_back(note["note_text"]);
  return out;
}

// The note's marker, `[aihunt window proxy-ai-api <from>/<to> <first finding>]`, and what follows
// it, checked: the first finding is one of `source`'s in `findings`, by the first 8 characters
// of its id. Returns the text after the marker ("" when the marker is not there).
std::string afterMarker(const std::string& note, std::int64_t from, std::int64_t to,
                        const std::vector<nlohmann::json>& findings, const std::string& source) {
  const std::string start = "[aihunt window proxy-ai-api " + iso(from) + "/" + iso(to) + " ";
  constexpr std::size_t kIdChars = 8;
  if (note.rfind(start, 0) != 0 || note.size() < start.size() + kIdChars + 1 ||
      note[start.size() + kIdChars] != ']') {
    return "";
  }
  const std::string id = note.substr(start.size(), kIdChars);
  const bool known = std::any_of(findings.begin(), findings.end(), [&](const nlohmann::json& f) {
    return f.value("source_ip", "") == source && f.value("finding_id", "").rfind(id, 0) == 0;
  });
  return known ? note.substr(start.size() + kIdChars + 1) : "";
}

void copyState(const NotesRun& from, const NotesRun& to) {
  namespace fs = std::filesystem;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path file = from.path(std::string("state.db") + suffix);
    if (fs::exists(file)) {
      fs::copy_file(file, to.path(std::string("state.db") + suffix),
                    fs::copy_options::overwrite_existing);
    }
  }
}

// Runs `run --once` until one finding of kSourceA is noted (within `budget`), then checks that
// its offense has exactly that note.
void noteLandsOnceDue(RunningEmu& emu, const NotesRun& run, std::int64_t now,
                      std::chrono::seconds budget) {
  ProcessResult later;
  const bool noted = aihunt::testing::waitUntil(
      [&] {
        later = runOnce(run, now);
        return later.out.find("1 to QRadar offense notes (1 noted)") != std::string::npos;
      },
      budget, std::chrono::milliseconds(250));
  INFO(later.out << later.err);
  REQUIRE(noted);
  CHECK(later.exit_code == 0);
  const auto ids = offenses(emu);
  for (const json& offense : parseJson(emu.call("GET", "/api/siem/offenses").body)) {
    CHECK(offense["description"].get<std::string>().rfind("aihunt: ", 0) == 0);
  }
  REQUIRE(ids.count(kSourceA) == 1);
  const auto notes = notesOf(emu, ids.at(kSourceA));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("1 new finding from 10.1.4.21.") != std::string::npos);
}

}  // namespace

TEST_CASE("offense notes: one per offense per window, none again for the same windows",
          "[offense_notes]") {
  // `documented`: the console takes filters only on the fields IBM's reference marks
  // Filterable, which offense_source is not; the sink then reads the open offenses instead.
  const std::string filters = GENERATE(as<std::string>{}, "any", "documented");
  INFO("--offense-filters " << filters);
  RunningEmu emu({"--syslog-tls-port", "0", "--rules", sourcePath("content/qradar/rule.yaml"),
                  "--offense-filters", filters},
                 emuConfig());
  REQUIRE(emu.ok());
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);  // 18:00; the ledger ends at 17:59
  addEvents(emu, {{kSourceA, t0 - 30 * kMinute}, {kSourceB, t0 - 30 * kMinute}});
  // The console's setup for aihunt's LEEF: its events get the log source type "aihunt", which
  // the hunts skip. Without it the second run's windows, which hold the first run's LEEF events
  // (a syslog event's start time is when it arrived), would find them again. Its QID map names
  // the events, and so the offenses they open, "aihunt: ...": how the notes know them.
  aihunt::testing::addQidMap(emu,
                             aihunt::testing::addLogSource(emu, "aihunt", "aihunt-notes-test"));

  // 1. LEEF only: the rule makes an offense for each source.
  const NotesRun run = makeRun("aihunt-notes-test-");
  writeConfig(run, emu, /*leef=*/true, /*notes=*/false);
  aihunt::testing::setEmuClock(emu, t0);
  const ProcessResult first = runOnce(run, t0);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(aihunt::testing::waitUntil([&] { return offenses(emu).size() == 2; },
                                     std::chrono::seconds(10), std::chrono::milliseconds(50)));
  const auto ids = offenses(emu);
  REQUIRE(ids.count(kSourceA) == 1);
  REQUIRE(ids.count(kSourceB) == 1);
  CHECK(notesOf(emu, ids.at(kSourceA)).empty());

  // 2. Two later windows, [17:59, 18:14) and [18:14, 18:29): A in both, B twice in the first.
  const std::int64_t w1 = t0 - kMinute;
  const std::int64_t w2 = w1 + 15 * kMinute;
  const std::int64_t w3 = w2 + 15 * kMinute;
  addEvents(emu, {{kSourceA, w1 + 6 * kMinute},
                  {kSourceA, w2 + 6 * kMinute},
                  {kSourceB, w1 + 6 * kMinute},
                  {kSourceB, w1 + 7 * kMinute}});
  const NotesRun again = makeRun("aihunt-notes-test-again-");
  copyState(run, again);  // the ledger as it was before the notes run
  writeConfig(run, emu, /*leef=*/true, /*notes=*/true);
  const std::int64_t now = t0 + 30 * kMinute;
  aihunt::testing::setEmuClock(emu, now);
  emu.admin("DELETE", "/admin/requests");
  const ProcessResult second = runOnce(run, now);
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  // The hunt's, the offense-notes sink's and the probe's connections: one request without the
  // token for the whole process (a console's login-failure lockout may count such requests).
  const json log = parseJson(emu.admin("GET", "/admin/requests?limit=100000").body)["requests"];
  std::size_t tokenless = 0;
  for (const auto& request : log) tokenless += aihunt::testing::isTokenlessProbe(request) ? 1 : 0;
  CHECK(tokenless == 1);
  CHECK(aihunt::testing::parseTable(second.out)["proxy-ai-api"].windows == 2);
  // The first run's two LEEF events arrived at 18:00, inside the first window: read, skipped,
  // and the skip said in that window's line of the run's log.
  CHECK(second.err.find("18:14:00.000Z): 5 rows, 3 new findings, 0 repeats, 0 suppressed, 2 of "
                        "aihunt's own LEEF events skipped") != std::string::npos);
  const auto findings = aihunt::testing::readFindings(run.path("findings.jsonl")).rows;
  CHECK(findings.size() == 2 + 4);
  // The delivered line says what became of the 4 new findings: each was noted.
  CHECK(second.out.find("4 to QRadar offense notes (4 noted)") != std::string::npos);

  const auto a_notes = notesOf(emu, ids.at(kSourceA));
  REQUIRE(a_notes.size() == 2);
  CHECK(afterMarker(a_notes[0], w1, w2, findings, kSourceA)
            .rfind(" 1 new finding from 10.1.4.21.", 0) == 0);
  CHECK(afterMarker(a_notes[1], w2, w3, findings, kSourceA)
            .rfind(" 1 new finding from 10.1.4.21.", 0) == 0);
  CHECK(a_notes[0].find("Providers: openai.") != std::string::npos);
  CHECK(a_notes[0].find("Users: jdoe.") != std::string::npos);
  const auto b_notes = notesOf(emu, ids.at(kSourceB));
  REQUIRE(b_notes.size() == 1);
  CHECK(afterMarker(b_notes[0], w1, w2, findings, kSourceB)
            .rfind(" 2 new findings from 10.1.4.22.", 0) == 0);
  CHECK(offenses(emu).size() == 2);  // the new LEEF events joined the same offenses

  // 3. Nothing due: nothing noted.
  REQUIRE(runOnce(run, now).exit_code == 0);
  CHECK(notesOf(emu, ids.at(kSourceA)).size() == 2);

  // 4. The same two windows hunted again from the earlier ledger: every finding is raised and
  // delivered a second time, and the notes' markers stop a second note.
  writeConfig(again, emu, /*leef=*/false, /*notes=*/true);
  const ProcessResult third = runOnce(again, now);
  INFO(third.out << third.err);
  REQUIRE(third.exit_code == 0);
  CHECK(aihunt::testing::parseTable(third.out)["proxy-ai-api"].findings == 4);
  CHECK(third.out.find("4 to QRadar offense notes (4 noted before)") != std::string::npos);
  CHECK(notesOf(emu, ids.at(kSourceA)) == a_notes);
  CHECK(notesOf(emu, ids.at(kSourceB)) == b_notes);
}

TEST_CASE("offense notes: a new source's note waits until its offense can exist, across runs",
          "[offense_notes]") {
  // The console shows a new offense 4 s after the event that made it (long enough for the
  // first run to end and be checked on a loaded machine); notes wait 5 s after LEEF delivered
  // their findings.
  RunningEmu emu({"--syslog-tls-port", "0", "--rules", sourcePath("content/qradar/rule.yaml"),
                  "--offense-delay-ms", "4000"},
                 emuConfig());
  REQUIRE(emu.ok());
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  addEvents(emu, {{kSourceA, t0 - 30 * kMinute}});
  aihunt::testing::addQidMap(emu,
                             aihunt::testing::addLogSource(emu, "aihunt", "aihunt-notes-test"));
  const NotesRun run = makeRun("aihunt-notes-wait-test-");
  writeConfig(run, emu, /*leef=*/true, /*notes=*/true, "5s");
  aihunt::testing::setEmuClock(emu, t0);

  // The run sends the LEEF event; the note is held, which is not a failure.
  const ProcessResult first = runOnce(run, t0);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("1 to LEEF") != std::string::npos);
  CHECK(first.out.find("0 to QRadar offense notes (1 held)") != std::string::npos);
  CHECK(first.err.find("is held in the outbox until") != std::string::npos);
  CHECK(offenses(emu).empty());  // not shown yet: a note now would have found no offense
  const json status = parseJson(emu.admin("GET", "/admin/status").body);
  CHECK(status["offenses"] == 1);  // made, and held back from the API
  CHECK(status["offenses_not_shown_yet"] == 1);

  // Later runs hunt nothing new and deliver the note once it is due: on the offense the LEEF
  // event made.
  REQUIRE(aihunt::testing::waitUntil([&] { return offenses(emu).size() == 1; },
                                     std::chrono::seconds(10), std::chrono::milliseconds(50)));
  noteLandsOnceDue(emu, run, t0, std::chrono::seconds(20));
}

TEST_CASE("offense notes: a note whose offense is slower than the delay is tried again",
          "[offense_notes]") {
  // The console shows a new offense 8 s after the event; notes are due 1 s after LEEF
  // delivered their findings, find no offense, and are tried again (every 5 s at the least)
  // for up to a minute.
  RunningEmu emu({"--syslog-tls-port", "0", "--rules", sourcePath("content/qradar/rule.yaml"),
                  "--offense-delay-ms", "8000"},
                 emuConfig());
  REQUIRE(emu.ok());
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  addEvents(emu, {{kSourceA, t0 - 30 * kMinute}});
  aihunt::testing::addQidMap(emu,
                             aihunt::testing::addLogSource(emu, "aihunt", "aihunt-notes-test"));
  const NotesRun run = makeRun("aihunt-notes-retry-test-");
  writeConfig(run, emu, /*leef=*/true, /*notes=*/true, "1s", "1m");
  aihunt::testing::setEmuClock(emu, t0);
  const ProcessResult first = runOnce(run, t0);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("0 to QRadar offense notes (1 held)") != std::string::npos);

  // Due, and no offense yet: held again, counted as a retry in the state file, not a failure.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const ProcessResult second = runOnce(run, t0);
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  REQUIRE(offenses(emu).empty());  // the try above came before the offense was shown
  CHECK(second.out.find("0 to QRadar offense notes (1 held)") != std::string::npos);
  CHECK(second.err.find("found no open aihunt offense yet") != std::string::npos);
  {
    auto store = aihunt::state::StateStore::open(
        run.path("state.db"), aihunt::state::OpenOptions{/*create=*/false, /*read_only=*/true});
    REQUIRE(store);
    const auto rows = (*store)->pending("offense_notes", 10).value();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].attempts == 1);
    REQUIRE(rows[0].due_at.has_value());
    REQUIRE(rows[0].first_due_at.has_value());
    CHECK(*rows[0].due_at - *rows[0].first_due_at >= 5'000);
  }
  const ProcessResult shown = aihunt::testing::runProcess(
      aihunt::testing::binaryPath("aihunt"), {"state", "show", "-c", run.config}, {}, 30);
  INFO(shown.out << shown.err);
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find("outbox offense_notes: 1 pending (the first due at ") != std::string::npos);
  CHECK(shown.out.find("; 1 of them tried again: no open aihunt offense yet)") !=
        std::string::npos);

  // Tried again once the offense is there: noted on it.
  noteLandsOnceDue(emu, run, t0, std::chrono::seconds(30));
}

TEST_CASE("offense notes: a note whose answer is lost is not added twice", "[offense_notes]") {
  // A trial: the connection cut after the console made the note, the POST was sent again and
  // the offense had two identical notes. The next try reads the notes and finds the marker.
  RunningEmu emu({"--syslog-tls-port", "0", "--rules", sourcePath("content/qradar/rule.yaml")},
                 emuConfig());
  REQUIRE(emu.ok());
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  addEvents(emu, {{kSourceA, t0 - 30 * kMinute}});
  aihunt::testing::addQidMap(emu,
                             aihunt::testing::addLogSource(emu, "aihunt", "aihunt-notes-test"));
  const NotesRun run = makeRun("aihunt-notes-lost-");
  writeConfig(run, emu, /*leef=*/true, /*notes=*/false);
  aihunt::testing::setEmuClock(emu, t0);
  REQUIRE(runOnce(run, t0).exit_code == 0);
  REQUIRE(aihunt::testing::waitUntil([&] { return offenses(emu).size() == 1; },
                                     std::chrono::seconds(10), std::chrono::milliseconds(50)));
  const std::int64_t offense = offenses(emu).at(kSourceA);

  addEvents(emu, {{kSourceA, t0 + 5 * kMinute}});
  writeConfig(run, emu, /*leef=*/true, /*notes=*/true);
  REQUIRE(emu.admin("POST", "/admin/faults",
                    "- {kind: reset_after, method: POST, path: /api/siem/offenses/*/notes, "
                    "times: 1}\n")
              .status == 200);
  REQUIRE(emu.admin("DELETE", "/admin/requests").status == 200);
  const std::int64_t now = t0 + 15 * kMinute;
  aihunt::testing::setEmuClock(emu, now);
  const ProcessResult noted = runOnce(run, now);
  INFO(noted.out << noted.err);
  // Whatever this run could deliver after the cut, the next one delivers the rest.
  const ProcessResult rest = runOnce(run, now);
  INFO(rest.out << rest.err);
  CHECK(rest.exit_code == 0);
  const json log = parseJson(emu.admin("GET", "/admin/requests?limit=100000").body)["requests"];
  const auto cut = std::count_if(log.begin(), log.end(), [](const json& request) {
    return request.value("fault", "") == "reset_after";
  });
  CHECK(cut == 1);  // the fault fired: the first note was made and its answer lost
  const auto notes = notesOf(emu, offense);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("1 new finding from 10.1.4.21.") != std::string::npos);
}

TEST_CASE("offense notes: an offense another rule opened, that aihunt's events joined",
          "[offense_notes]") {
  // QRadar keeps one open offense per source IP. A proxy rule opens and names the source's
  // offense first; aihunt's LEEF event joins it, and the offense keeps the proxy rule's name
  // while its rules list both. A token that may read rules (View Custom Rules) tells it is
  // aihunt's by its rules; one that may not has only the name, and adds no note.
  const bool reads_rules = GENERATE(true, false);
  INFO("reads rules: " << reads_rules);
  const NotesRun run = makeRun("aihunt-notes-joined-");
  {
    std::ifstream aihunt_rule(sourcePath("content/qradar/rule.yaml"));
    std::ofstream rules(run.path("rules.yaml"));
    rules << aihunt_rule.rdbuf()
          << "  - id: 100201\n    name: \"Proxy: traffic to an unsanctioned service\"\n"
             "    description: \"Unsanctioned service contacted\"\n"
             "    event_ids: [ProxyPolicy]\n    index: sourceip\n";
  }
  RunningEmu emu({"--syslog-tls-port", "0", "--rules", run.path("rules.yaml")},
                 emuConfig(reads_rules ? "hunter" : "noter"));
  REQUIRE(emu.ok());
  const std::int64_t t0 = ms(aihunt::testing::kSampleNow);
  addEvents(emu, {{kSourceA, t0 - 30 * kMinute}}, "ProxyPolicy");
  aihunt::testing::addQidMap(emu,
                             aihunt::testing::addLogSource(emu, "aihunt", "aihunt-notes-test"));
  const auto offenseOfA = [&emu]() {
    for (const json& offense : parseJson(emu.call("GET", "/api/siem/offenses").body)) {
      if (offense["offense_source"] == kSourceA) return offense;
    }
    return json();
  };
  REQUIRE(offenseOfA().is_object());

  // 1. LEEF only: aihunt's event joins the proxy rule's offense.
  writeConfig(run, emu, /*leef=*/true, /*notes=*/false);
  aihunt::testing::setEmuClock(emu, t0);
  const ProcessResult first = runOnce(run, t0);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(aihunt::testing::waitUntil([&] { return offenseOfA()["rules"].size() == 2; },
                                     std::chrono::seconds(10), std::chrono::milliseconds(50)));
  CHECK(offenseOfA()["description"] == "Unsanctioned service contacted\n");
  CHECK(offenses(emu).size() == 1);

  // 2. A finding in a later window, with notes.
  addEvents(emu, {{kSourceA, t0 + 5 * kMinute}}, "ProxyPolicy");
  writeConfig(run, emu, /*leef=*/true, /*notes=*/true);
  const std::int64_t now = t0 + 15 * kMinute;
  aihunt::testing::setEmuClock(emu, now);
  REQUIRE(emu.admin("DELETE", "/admin/requests").status == 200);
  const ProcessResult second = runOnce(run, now);
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  const std::int64_t offense = offenseOfA()["id"].get<std::int64_t>();
  const auto notes = notesOf(emu, offense);
  // The rules' names were asked for once, with the offense's two rule ids.
  const json log = parseJson(emu.admin("GET", "/admin/requests?limit=100000").body)["requests"];
  std::vector<int> rule_answers;
  for (const auto& request : log) {
    if (request.value("target", "").rfind("/api/analytics/rules", 0) == 0) {
      rule_answers.push_back(request.value("status", 0));
    }
  }
  CHECK(rule_answers == std::vector<int>{reads_rules ? 200 : 403});
  if (reads_rules) {
    CHECK(second.out.find("1 to QRadar offense notes (1 noted)") != std::string::npos);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("1 new finding from 10.1.4.21.") != std::string::npos);
  } else {
    CHECK(second.out.find("1 without an open offense to note, 1 of them beside open offenses not "
                          "aihunt's") != std::string::npos);
    CHECK(notes.empty());
  }
}
