#pragma once
// The typed configuration of the whole service (every section exists from the start so that
// config files keep their shape as the daemon, QRadar client and sinks arrive). Produced only by
// the loader (loader.h), which has validated every value.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/common.h>

#include "config/secret.h"
#include "core/logging.h"
#include "detection/event.h"
#include "detection/process.h"
#include "detection/provider.h"
#include "detection/scoring.h"
#include "detection/settings.h"
#include "detection/signals.h"
#include "detection/user_agent.h"

namespace aihunt::config {

using Millis = std::chrono::milliseconds;

// --- qradar: ----------------------------------------------------------------------------------

enum class QRadarAuth { kSec, kBasic };

struct TlsConfig {
  std::string ca_file;     // empty: the system trust store
  std::string pin_sha256;  // "sha256//base64=" public-key pin, optional
  bool insecure = false;   // skip verification; a warning says so
  std::string min_version = "1.2";
};

struct QRadarTimeouts {
  Millis connect{10'000};
  Millis request{60'000};
  Millis hunt_deadline{15 * 60'000};
};

struct QRadarConfig {
  std::string url;  // "https://qradar.example.com"
  // "auto": read the console's versions on connect and use the newest aihunt speaks
  // (qradar_client/api_version.h); a version ("26.0") pins it.
  std::string api_version = "auto";
  QRadarAuth auth = QRadarAuth::kSec;
  std::string username;    // basic auth only; the password is the token
  std::string token_file;  // the token never lives in the config itself
  // A token file that group or others can read is refused unless this is set (then warned).
  bool allow_readable_token_file = false;
  // Proxy for an https:// console ("http://proxy.corp:3128"); empty: HTTPS_PROXY, else none.
  // Plain http:// (loopback only) is never proxied.
  std::string proxy;
  TlsConfig tls;
  QRadarTimeouts timeouts;
  int max_concurrent_searches = 2;
  int page_size = 1000;
  // Pages grow from page_size towards this many rows while rows are small (about 4 MiB a page,
  // qradar_client/page_sizer.h); equal to page_size: every page is page_size rows.
  int page_size_max = 10'000;
  std::int64_t row_cap = 100'000;  // per hunt cycle; hitting it warns
  // Reference sets that exceptions name (match.reference_set) are read this often by the daemon
  // (once at the start by `aihunt hunt`), and at most this many values of each are kept.
  Millis exceptions_refresh{5 * 60'000};
  std::int64_t exceptions_max_values = 100'000;
};

// --- hunts: -----------------------------------------------------------------------------------

enum class HuntDatabase { kEvents, kFlows };

struct HuntSchedule {
  Millis every{15 * 60'000};
  Millis overlap{2 * 60'000};  // each search re-reads this much before its window
  Millis delay{60'000};        // windows end this long before now (QRadar indexes late)
  Millis splay{0};             // spreads hunts' start times over this much (daemon)
  Millis catch_up_max{24 * 3'600'000};
  Millis max_window{60 * 60'000};  // catching up, consecutive windows merge up to this
};

struct HuntConfig {
  std::string name;
  bool enabled = true;
  std::string description;
  HuntDatabase database = HuntDatabase::kEvents;
  HuntSchedule schedule;
  // Logical field -> QRadar property (or result column) name, as configured, in file order.
  std::vector<std::pair<detection::Field, std::string>> fields;
  // The columns the row reader uses: the seed query's aliases, overridden by `fields`.
  detection::FieldMapping columns = detection::FieldMapping::seedDefaults();
  detection::SignalSet signals;  // the signals this hunt looks for; default all
  std::string aql;               // optional AQL template; empty: built from content
  std::string where;             // extra AQL condition ANDed into the generated query
  // A second query in the same window: bytes sent summed per source, user, URL and client
  // (large_upload over the window). Needs a generated query with url and bytes_sent mapped.
  bool aggregate_uploads = false;
  bool builtin = false;  // from content/hunts.yaml rather than the config file
};

// --- detection: -------------------------------------------------------------------------------

// A provider from the pack or `detection.extra_providers`. In extras, naming an existing id
// adds hosts to it; vendor and class may then be left out.
struct ProviderSpec {
  detection::Provider provider;
  bool has_vendor = false;
  bool has_class = false;
  std::string path;                     // "detection.extra_providers[0]"
  std::vector<std::string> host_paths;  // one per host
};

struct ProcessSpec {
  std::string name;
  detection::ProcessEntry entry;
  std::string path;  // "detection.extra_processes.LOLBin[2]"
};

struct UserAgentSpec {
  detection::UserAgentRule rule;
  std::string path;
};

struct ScoringOverride {
  int detection::ScoringWeights::*field = nullptr;
  int value = 0;
  std::string path;
};

struct DetectionConfig {
  bool use_builtin_pack = true;
  std::optional<std::int64_t> large_upload_bytes;
  std::optional<std::vector<std::string>> own_log_source_types;
  std::optional<std::int64_t> large_upload_window_bytes;
  std::vector<ScoringOverride> scoring;
  std::vector<ProviderSpec> extra_providers;
  std::vector<ProcessSpec> extra_processes;
  std::vector<UserAgentSpec> extra_user_agents;
  detection::CommandLineIndicators extra_indicators;  // extra_key_variables and friends
};

// --- outputs: ---------------------------------------------------------------------------------

enum class StdoutFormat { kTable, kJson, kJsonl, kCsv };
enum class LeefProtocol { kTcp, kTls };

struct StdoutOutput {
  StdoutFormat format = StdoutFormat::kTable;
  // Incidents group one actor's findings of one provider and process within buckets this long
  // (detection/incidents.h).
  Millis incident_window{10LL * 60'000};

  bool operator==(const StdoutOutput&) const = default;
};

struct JsonlOutput {
  std::string path;                              // empty: off
  std::int64_t max_bytes = 100LL * 1024 * 1024;  // rotate at this size (daemon)
  int keep = 5;                                  // rotated files kept

  bool operator==(const JsonlOutput&) const = default;
};

// The finding field whose values a reference set collects.
enum class ReferenceSetField { kSourceIp, kUsername, kHost, kDomain, kProcessName };

// The finding's JSON key for `field` ("source_ip", "username", "host", "domain", "process_name").
std::string_view referenceSetFieldName(ReferenceSetField field);
// The set's element type in QRadar: "IP" for source addresses, "ALNIC" (alphanumeric, case
// insensitive) for the rest.
std::string_view referenceSetElementType(ReferenceSetField field);

struct ReferenceSetTarget {
  std::string name;  // validated: letters, digits, space, '_', '-', '.' (REST paths, AQL)
  ReferenceSetField field = ReferenceSetField::kSourceIp;
  detection::Severity min_severity = detection::Severity::kMedium;  // findings below: skipped
  Millis time_to_live{30LL * 86'400'000};                           // since last seen

  bool operator==(const ReferenceSetTarget&) const = default;
};

struct ReferenceSetsOutput {
  bool enabled = false;
  Millis time_to_live{30LL * 86'400'000};                           // default for each set
  detection::Severity min_severity = detection::Severity::kMedium;  // default for each set
  // `sets:` as written, or the two that source_ips_set and users_set name.
  std::vector<ReferenceSetTarget> sets = {{"AIHunt AI API Sources", ReferenceSetField::kSourceIp},
                                          {"AIHunt AI API Users", ReferenceSetField::kUsername}};

  bool operator==(const ReferenceSetsOutput&) const = default;
};

struct LeefOutput {
  bool enabled = false;
  std::string host;
  int port = 514;
  LeefProtocol protocol = LeefProtocol::kTcp;
  std::string ca_file;  // tls only; empty: the system trust store
  // The syslog header's host name, by which QRadar picks the log source; empty: this machine's.
  std::string hostname;

  bool operator==(const LeefOutput&) const = default;
};

// A note on the open offense of a finding's source IP, once per hunt window and outbox batch
// (service/offense_notes_sink.h).
struct OffenseNotesOutput {
  bool enabled = false;
  // aihunt's offenses are those whose description contains this text (ASCII case-insensitive):
  // the rule's offense naming (docs/qradar-setup.md) puts it there.
  std::string match_description = "aihunt";
  // Also aihunt's: an offense to which a rule whose name contains this text contributed
  // (ASCII case-insensitive; empty: by description only). QRadar keeps one open offense per
  // source, so aihunt's events can join an offense another rule opened and named.
  std::string match_rule = "aihunt";
  std::int64_t max_note_chars = 2000;  // a note's length in characters (code points), cut there
  // How long after its LEEF event a finding's note is added: QRadar's rule makes the offense,
  // and the offense API lists it, some time after the event arrives.
  Millis delay{120'000};
  // How long after it was first due a note whose source has no open aihunt offense yet is
  // tried again (every `delay`, at least every 5 s); zero: never.
  Millis wait_for_offense{30 * 60'000};

  bool operator==(const OffenseNotesOutput&) const = default;
};

struct OutputsConfig {
  StdoutOutput standard_output;  // `stdout:` (a macro name in C, hence the member name)
  JsonlOutput jsonl;
  ReferenceSetsOutput reference_sets;
  LeefOutput leef;
  OffenseNotesOutput offense_notes;

  bool operator==(const OutputsConfig&) const = default;
};

// True when the outputs name somewhere for findings to go (a JSONL file, LEEF, reference sets or
// offense notes; `stdout:` only shapes what `hunt` prints). Without one, run and backfill record
// findings in the ledger only, and a destination added later gets only findings raised after it
// (each finding is raised once).
bool hasDestination(const OutputsConfig& outputs);
// The sinks these outputs enable, by their outbox names ("jsonl", "leef", "reference_sets",
// "offense_notes"), in delivery order.
std::vector<std::string> enabledSinkNames(const OutputsConfig& outputs);
// What config check and run warn, and hunt --deliver refuses, when there is none.
inline constexpr const char* kNoDestination =
    "no destination (outputs.jsonl.path, outputs.leef, outputs.reference_sets or "
    "outputs.offense_notes): run and backfill record findings in the ledger only, and a "
    "destination added later gets only the findings raised after it";

// --- state:, server:, logging: ----------------------------------------------------------------

struct StateConfig {
  // Not given, it stays relative to the working directory (the image's WORKDIR, the unit's
  // WorkingDirectory); `config check` warns, since runs started in other folders would keep
  // other ledgers.
  std::string path = "aihunt-state.db";
  bool path_given = false;  // the file (or --set) names state.path
  Millis retention{90LL * 86'400'000};
  std::int64_t outbox_max_rows = 1'000'000;  // per sink; hunting pauses when a sink is this full

  bool operator==(const StateConfig&) const = default;
};

struct ServerConfig {
  bool enabled = false;
  std::string listen = "127.0.0.1:9464";
  std::string host = "127.0.0.1";  // parsed from listen
  std::uint16_t port = 9464;
  // /readyz fails once QRadar has not answered for this long (a search or the probe's request).
  Millis ready_within{5LL * 60'000};

  bool operator==(const ServerConfig&) const = default;
};

struct LoggingConfig {
  spdlog::level::level_enum level = spdlog::level::info;
  core::LogFormat format = core::LogFormat::kText;

  bool operator==(const LoggingConfig&) const = default;
};

// --- the whole file ---------------------------------------------------------------------------

struct Config {
  std::optional<QRadarConfig> qradar;  // absent: offline use only
  std::vector<HuntConfig> hunts;
  DetectionConfig detection;  // as written; `settings` is what the detection runs with
  OutputsConfig outputs;
  StateConfig state;
  ServerConfig server;
  LoggingConfig logging;

  // Built-in pack + `detection:` additions + `exceptions:`.
  detection::DetectionSettings settings;
  // Resolved from AIHUNT_QRADAR_TOKEN or qradar.token_file when the loader was asked to.
  std::optional<SecretString> qradar_token;
  std::string qradar_token_origin;  // "AIHUNT_QRADAR_TOKEN" or the file path, never the value
};

}  // namespace aihunt::config
