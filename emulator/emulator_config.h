#pragma once
// The emulator's YAML config: roles and their capabilities, SEC tokens, Basic users, the admin
// token, the API versions it answers, Ariel pacing and limits, and the custom-rule table.
// Unknown keys are errors; every error names its path. See docs/emulator.md for an example.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aql/time_window.h"
#include "core/result.h"
#include "emulator/capability.h"

namespace aihunt::emulator {

struct TokenConfig {
  std::string token;
  std::string user;
  std::string role;
};

struct UserConfig {
  std::string name;
  std::string password;
  std::string role;
};

struct ArielConfig {
  std::int64_t workers = 2;                // searches executing at once
  std::int64_t max_active_searches = 200;  // unfinished searches; more answer 503/1010
  std::int64_t phase_delay_ms = 0;         // time spent in WAIT and in each later phase
  std::int64_t retention_ms = 86'400'000;  // desired_retention_time_msec
  std::int64_t reuse_window_ms = 60'000;   // identical query text reuses the search id
  bool reuse_identical_queries = true;
  bool content_range_without_range = false;  // send Content-Range on unranged result reads
  // The zone zone-less START/STOP text is read in (IBM: 'Z' marks UTC; without it the console's
  // zone applies). A fixed UTC offset.
  aql::ConsoleTimeZone console_timezone{};
};

// "Events whose LEEF EventID is one of `event_ids` create an offense indexed on `index`."
struct RuleConfig {
  std::int64_t id = 0;
  std::string name;
  bool enabled = true;  // a disabled rule is listed, and fires on nothing
  std::vector<std::string> event_ids;
  std::string index = "sourceip";  // sourceip, destinationip or username
  // Empty (the usual rule, as docs/qradar-setup.md builds it): the offense is named after the
  // event that opened it (its QID name). Set: the name a rule that dispatches a new event
  // "contributing to the name of the offense" gives it.
  std::string description;
  // "when the event(s) were detected by one or more of these log source types": empty, any
  // event (also one with no type); else only events whose log source has one of these types
  // (names, any case).
  std::vector<std::string> log_source_types;
  // "when the event QID is one of the following QIDs", with the QIDs the event_ids map to: only
  // events their log source type's DSM mapping names (an unmapped, "Unknown" event does not).
  bool mapped_only = false;
  std::int64_t magnitude = 5;
  std::int64_t severity = 5;
  std::int64_t credibility = 5;
  std::int64_t relevance = 5;
  std::vector<std::string> categories;
};

struct EmulatorConfig {
  std::map<std::string, CapabilitySet> roles;
  std::vector<TokenConfig> tokens;
  std::vector<UserConfig> users;
  std::string admin_token;
  std::vector<std::string> api_versions;  // answered Version values; empty: the default list
  std::string api_profile;  // a release's versions instead ("7.5 UP13", api_versions.h)
  ArielConfig ariel;
  std::vector<RuleConfig> rules;
  // How long an offense the rules make stays out of the API (offense_store.h); 0: at once.
  std::int64_t offense_delay_ms = 0;
  // The offense list's filter takes only the fields IBM's reference marks Filterable
  // (--offense-filters documented; offense_handlers.cpp); false: any field.
  bool offense_filters_documented = false;
  std::int64_t max_recorded_requests = 20'000;
  // An HTTP connection with no complete request (TLS handshake, header, body) within this time
  // is closed: idle keep-alive clients and slow senders do not hold a server thread forever.
  std::int64_t http_idle_timeout_ms = 30'000;
  // A syslog TCP/TLS connection that sends nothing for this long is closed.
  std::int64_t syslog_idle_timeout_ms = 60'000;
  // Open connections one peer address may hold, on the HTTPS/HTTP and on the syslog listeners
  // (each); more are closed at once and counted (GET /admin/status).
  std::int64_t max_connections_per_address = 64;
  // Events the store holds; further events are refused (syslog: counted and logged; loaders
  // and /admin/events: an error). About 1 KiB of memory per sample event.
  std::int64_t max_events = 5'000'000;
};

// QRadar's API versions up to 26.0 (7.5.0 UP12/13); the newest answers requests without Version.
std::vector<std::string> defaultApiVersions();

// Built-in roles: admin (ADMIN), hunter (LOG_ACTIVITY, REFERENCE_DATA, OFFENSES),
// searcher (LOG_ACTIVITY). Config roles are added to (or replace) these.
std::map<std::string, CapabilitySet> defaultRoles();

core::Result<EmulatorConfig> parseEmulatorConfig(std::string_view yaml_text);
// A rules file: {rules: [...]}, the same shape as the config's `rules` section.
core::Result<std::vector<RuleConfig>> parseRulesFile(std::string_view yaml_text);

// Checks cross references (roles named by tokens and users exist, token values unique).
core::Status validateConfig(const EmulatorConfig& config);

}  // namespace aihunt::emulator
