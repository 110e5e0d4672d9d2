// `aihunt check [--config F] [--fix]`: can this machine hunt on that console, and deliver where
// the config says? One line per check (config, TLS, token, API version, capabilities, Ariel
// catalog, reference data and sets, offenses for notes, the LEEF syslog receiver), then a
// verdict. Exit 0 when every check passes, 3 when any fails, 2 for usage or config errors.
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/delivery.h"
#include "cli/detection_setup.h"
#include "cli/local_files.h"
#include "cli/print.h"
#include "cli/qradar_connection.h"
#include "config/environment.h"
#include "config/loader.h"
#include "config/token_source.h"
#include "core/display_text.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "qradar_client/api_version.h"
#include "qradar_client/events_catalog.h"
#include "qradar_client/log_source_types.h"
#include "qradar_client/log_sources.h"
#include "qradar_client/reference_data_client.h"
#include "qradar_client/rule_names.h"
#include "qradar_client/syslog_sender.h"
#include "qradar_client/tls_options.h"
#include "service/leef_sink.h"
#include "service/mapped_properties.h"
#include "service/reference_set_refresher.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

// One line per check as it completes, or (--format json) one document at the end with every
// check's name, status and detail and the verdict.
class CheckReport {
 public:
  CheckReport(std::FILE* out, const core::Redactor& redactor, bool json)
      : out_(out), redactor_(redactor), json_(json) {}
  void pass(const std::string& what, const std::string& detail) { line("ok", what, detail); }
  void fail(const std::string& what, const std::string& detail) {
    ++failures_;
    line("fail", what, detail);
  }
  // A failure of several parts (every config error): the first on the check's line, each other
  // on a line of its own below it, indented under the detail so that it reads as part of it.
  void failLines(const std::string& what, const std::string& details) {
    ++failures_;
    std::vector<std::string> parts;
    for (std::string_view rest = details; !rest.empty();) {
      const std::size_t end = rest.find('\n');
      const std::string_view part = core::trim(rest.substr(0, end));
      if (!part.empty()) parts.emplace_back(part);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
    if (json_ || parts.size() < 2) {
      line("fail", what, details);
      return;
    }
    line("fail", what, parts.front());
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const std::string shown =
          core::displayText(redactor_.redact(parts[i]), core::DisplayOptions{});
      printFormatted(redactor_, out_, "      %-22s    %s\n", "", shown.c_str());
    }
  }
  void skip(const std::string& what, const std::string& detail) { line("skip", what, detail); }
  // Said for the record; not needed by this config, so it never makes the verdict NOT READY.
  void info(const std::string& what, const std::string& detail) { line("info", what, detail); }
  // Works, but should be changed: does not make the verdict NOT READY.
  void warn(const std::string& what, const std::string& detail) {
    ++warnings_;
    line("warn", what, detail);
  }
  // The last line (or the document): `ready` and why not.
  void verdict(bool ready, const std::string& text) {
    if (!json_) {
      printFormatted(redactor_, out_, "verdict: %s\n", text.c_str());
      return;
    }
    const nlohmann::json document = {{"ready", ready},
                                     {"verdict", redactor_.redact(text)},
                                     {"failures", failures_},
                                     {"warnings", warnings_},
                                     {"checks", checks_}};
    // ASCII-only: the console's text reaches a terminal as escapes; a JSON reader gets it back.
    const std::string shown =
        document.dump(2, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
    printText(redactor_, out_, shown + "\n");
  }
  [[nodiscard]] int failures() const { return failures_; }
  [[nodiscard]] bool json() const { return json_; }
  [[nodiscard]] bool said(const std::string& what) const { return said_.count(what) != 0; }
  [[nodiscard]] int warnings() const { return warnings_; }

 private:
  void line(const char* status, const std::string& what, const std::string& detail) {
    said_.insert(what);
    if (json_) {
      checks_.push_back({{"name", what}, {"status", status}, {"detail", redactor_.redact(detail)}});
      return;
    }
    const std::string_view name = status;
    const char* mark = name == "ok"     ? "ok  "
                       : name == "fail" ? "FAIL"
                       : name == "warn" ? "WARN"
                       : name == "info" ? "info"
                                        : "skip";
    // One line per check whatever a detail holds: a console's text (a set's element type, an
    // error) with a newline in it must not print a line of its own, such as a forged "ok".
    const std::string shown = core::displayText(redactor_.redact(detail), core::DisplayOptions{});
    printFormatted(redactor_, out_, "%s  %-22s  %s\n", mark, what.c_str(), shown.c_str());
  }
  std::FILE* out_;
  const core::Redactor& redactor_;
  bool json_;
  nlohmann::json checks_ = nlohmann::json::array();
  int failures_ = 0;
  int warnings_ = 0;
  std::set<std::string> said_;  // the checks with a line already
};

// How the API version was settled, for the report: negotiated (with the console's range),
// pinned, or the fallback after a failed negotiation.
std::string versionDetail(const QRadarConnection& connection) {
  std::string text = connection.qradar.api_version;
  const auto& choice = connection.version_choice;
  if (choice && choice->pinned) return text + " (pinned)";
  if (choice && choice->negotiated) {
    text += " (negotiated; the console serves " + choice->console_oldest + " to " +
            choice->console_newest;
    for (const std::string& version : choice->console_deprecated) {
      text += ", " + version + " deprecated";
    }
    return text + "; aihunt speaks " + std::string(qradar::kOldestSpokenVersion) + " to " +
           std::string(qradar::kNewestSpokenVersion) + ")";
  }
  return text + " (not negotiated: " + connection.version_error + ")";
}

// The first request answers three checks: TLS, token, API version. False: stop here.
// `answered`: whether a QRadar API answered at the URL at all (a refused token is an answer).
bool checkAccess(qradar::ApiClient& api, const QRadarConnection& connection, CheckReport& report,
                 bool& answered) {
  answered = false;
  // The version probe already waited out the request timeout: a second request would wait as
  // long again for the same silence.
  // No handshake was made: its line says so, as the token's does (a trial missed it).
  const auto notConnected = [&] {
    if (!report.said("TLS handshake") && !core::istartsWith(connection.qradar.url, "http://")) {
      report.skip("TLS handshake", "not tried");
    }
    report.skip("token", "not tried");
  };
  if (connection.unreachable && connection.unreachable->code == core::ErrorCode::kTimeout) {
    report.fail("connection", connection.unreachable->message);
    notConnected();
    return false;
  }
  qradar::ApiCall call;
  call.path = "/api/ariel/databases";
  call.retry = false;
  auto response = api.call(call);
  if (!response) {
    const core::Error& error = response.error();
    if (error.code == core::ErrorCode::kTls) {
      report.fail("TLS handshake", error.message);
    } else {
      report.fail("connection", error.message);
    }
    notConnected();
    return false;
  }
  std::string trust = "system trust store";
  if (connection.transport_options.insecure) trust = "NOT VERIFIED (--insecure)";
  if (!connection.transport_options.ca_file.empty()) {
    trust = "CA file " + connection.transport_options.ca_file;
  }
  if (!connection.transport_options.pin_sha256.empty()) trust += ", public-key pin matched";
  if (core::istartsWith(connection.qradar.url, "http://")) {
    // Nothing was verified: an ok here would read as a checked certificate.
    report.info("TLS handshake",
                "none: plain HTTP to " + connection.qradar.url +
                    " (taken for a loopback address only; use https:// for a console)");
  } else if (connection.transport_options.insecure) {
    report.fail("TLS handshake", "connected but " + trust);
  } else {
    report.pass("TLS handshake", connection.qradar.url + " (" + trust + ")");
  }
  if (response->status == 404) {
    // No QRadar API at this address (a path in the URL, or not a console): whatever answered
    // did not judge the token, so neither it nor the API version may read as ok.
    report.fail("connection", connection.unreachable
                                  ? connection.unreachable->message
                                  : "no QRadar API at " + connection.qradar.url + ": " +
                                        api.coreErrorOf(*response).message);
    report.skip("token", "not tried");
    return false;
  }
  answered = true;
  if (response->status == 401) {
    report.fail("token", api.coreErrorOf(*response).message + " (token from " +
                             connection.token_origin + ")");
    return false;
  }
  report.pass("token", "accepted (from " + connection.token_origin + ")");
  if (response->status == 422 || response->status == 410) {
    report.fail("API version",
                versionDetail(connection) + " refused: " + api.coreErrorOf(*response).message);
    return false;
  }
  std::string version = versionDetail(connection);
  if (connection.version_choice && connection.version_choice->pinned) {
    // Pinned, the connection asked the console nothing: the range it serves is read here, so
    // the report shows whether the pin is inside it (one request, not retried).
    if (auto served = qradar::negotiateApiVersion(api); served) {
      version += "; the console serves " + served->console_oldest + " to " + served->console_newest;
    }
  }
  if (const auto deprecated = qradar::findHeader(response->headers, "Deprecated")) {
    version += "; the console answers with Deprecated: " + std::string(*deprecated);
  }
  if (connection.version_unavailable) {
    // This check goes on with the oldest version; `aihunt run` would not (it waits).
    report.warn("API version", version +
                                   "; the daemon and its deliveries send nothing until the "
                                   "console lists its versions (or pin qradar.api_version)");
  } else {
    report.pass("API version", version);
  }
  if (response->status == 403) {
    report.fail("Ariel search",
                "the token's role lacks Log Activity: " + api.coreErrorOf(*response).message);
    return false;
  }
  if (response->status >= 300) {
    report.fail("Ariel search", api.coreErrorOf(*response).message);
    return false;
  }
  report.pass("Ariel search", "the token may use the Ariel API (Log Activity)");
  return true;
}

void checkCatalog(qradar::ApiClient& api, const std::vector<config::HuntConfig>& hunts,
                  CheckReport& report) {
  auto catalog = qradar::readEventsCatalog(api);
  if (!catalog) {
    report.fail("Ariel catalog", catalog.error().message);
    return;
  }
  if (catalog->empty()) {
    report.fail("Ariel catalog", "no columns in /api/ariel/databases/events");
    return;
  }
  const std::vector<service::MappedProperty> mapped = service::mappedProperties(hunts);
  std::string unindexed;
  for (const auto& [hunt, property] : mapped) {
    if (catalog->lists(property) && !catalog->indexable(property)) {
      unindexed += (unindexed.empty() ? "" : ", ") + ("\"" + property + "\"");
    }
  }
  std::string missing;
  std::set<std::string> said;
  for (const auto& [hunt, property] : service::missingMappedProperties(*catalog, hunts)) {
    if (!said.insert(property).second) continue;  // named with the first hunt that maps it
    missing += (missing.empty() ? "" : ", ") + ("\"" + property + "\" (hunt " + hunt + ")");
  }
  // Informational: a search still works, it reads each event of its window for these.
  if (unindexed.empty()) {
    report.info("property indexes", "every mapped property the catalog lists is indexable");
  } else {
    report.info("property indexes",
                "not indexable on this console: " + unindexed +
                    "; a search filters on them by reading every event of its time range, so "
                    "the hunts' windows are what bound that work");
  }
  if (missing.empty()) {
    report.pass("mapped properties", std::to_string(mapped.size()) +
                                         " properties found in the events "
                                         "catalog");
  } else {
    report.fail("mapped properties",
                "missing from the events catalog: " + missing +
                    " (create the custom properties, or map the fields in hunts[].fields)");
  }
}

// What aihunt's token needs, and why: said whatever the console answers, so an administrator
// can create a role with exactly that.
std::string neededCapabilities(const config::OutputsConfig& outputs) {
  std::string text = "Log Activity (Ariel searches and the events catalog)";
  if (outputs.reference_sets.enabled) {
    text += "; Manage Reference Data (outputs.reference_sets adds findings to sets)";
  }
  if (outputs.offense_notes.enabled) text += "; Offenses (outputs.offense_notes)";
  if (outputs.offense_notes.enabled && !outputs.offense_notes.match_rule.empty()) {
    text +=
        "; View Custom Rules, under Offenses and under Log Activity (offense notes tell by its "
        "rules an offense another rule named)";
  }
  return text;
}

// Least privilege: a read of an admin-only endpoint, with nothing asked for but one item. IBM
// documents GET /staged_config/access/users as "Must have ADMIN or SAASADMIN capability to call
// this endpoint" (QRadar REST API 17.0 reference,
// https://ibmsecuritydocs.github.io/qradar_api_17.0/17.0--staged_config-access-users-GET.html).
// GET /config/access/users, by contrast, answers every caller (their own user), so it cannot
// tell. A 200 means the token could also change users, rules and the deployment.
void checkLeastPrivilege(qradar::ApiClient& api, const config::OutputsConfig& outputs,
                         CheckReport& report) {
  const std::string needs = "aihunt needs " + neededCapabilities(outputs);
  qradar::ApiCall call;
  call.path = "/api/staged_config/access/users?fields=id";
  call.headers = {{"Range", "items=0-0"}};
  call.retry = false;
  auto response = api.call(call);
  if (response && (response->status == 200 || response->status == 206)) {
    report.warn("least privilege",
                "the token can read the console's user accounts (an ADMIN or SAASADMIN "
                "capability): it can do more than aihunt needs. Give aihunt an authorized "
                "service whose user role has only what it needs. " +
                    needs);
    return;
  }
  if (response && response->status == 403) {
    report.pass("least privilege", "the token has no admin capability; " + needs);
    return;
  }
  const std::string why =
      response ? "HTTP " + std::to_string(response->status) : response.error().message;
  report.skip("least privilege", "could not tell (" + why + "); " + needs);
}

// The sets exceptions name (match.reference_set): aihunt only reads them, so each must exist;
// its element type and how many values aihunt would use are reported.
void checkAllowLists(qradar::ReferenceDataClient& reference, const DetectionSetup& setup,
                     CheckReport& report) {
  for (const auto& name : service::referencedSetNames(setup.settings->exceptions)) {
    auto read =
        reference.readValues(name, static_cast<std::size_t>(setup.reference_set_max_values));
    if (!read) {
      report.fail("exception set",
                  "'" + name + "': " + core::printableExcerpt(read.error().message, 300));
      continue;
    }
    if (!*read) {
      report.fail("exception set",
                  "'" + name + "' does not exist (exceptions naming it suppress nothing)");
      continue;
    }
    std::string what = core::printableExcerpt((*read)->info.element_type, 16) + ", " +
                       std::to_string((*read)->values.size()) + " values";
    if ((*read)->truncated) what += "; more than qradar.exceptions_max_values, the rest unused";
    report.pass("exception set", "'" + name + "' exists (" + what + ")");
  }
}

void checkReferenceSets(qradar::ApiClient& api, const config::OutputsConfig& outputs,
                        const DetectionSetup& setup, bool fix, CheckReport& report) {
  qradar::ReferenceDataClient reference(api);
  const std::string which =
      reference.api() == qradar::ReferenceApi::kCollections ? "collections API" : "legacy sets API";
  if (auto probe = reference.probe(); !probe) {
    // Only outputs.reference_sets and exceptions naming a set read or write reference data.
    const bool needed = outputs.reference_sets.enabled ||
                        !service::referencedSetNames(setup.settings->exceptions).empty();
    if (!needed) {
      report.info("reference data",
                  "not readable: " + probe.error().message +
                      " (not needed: no reference sets are configured; outputs.reference_sets "
                      "and exceptions that name a set need Manage Reference Data)");
      return;
    }
    report.fail("reference data", probe.error().message +
                                      " (the token's role needs Manage "
                                      "Reference Data)");
    return;
  }
  report.pass("reference data", "readable (" + which + ")");
  checkAllowLists(reference, setup, report);
  if (!outputs.reference_sets.enabled) {
    report.skip("reference sets", "outputs.reference_sets is not enabled");
    return;
  }
  for (const config::ReferenceSetTarget& set : outputs.reference_sets.sets) {
    const std::string& name = set.name;
    const std::string type(config::referenceSetElementType(set.field));
    auto found = reference.find(name);
    if (!found) {
      report.fail("reference set", "'" + name + "': " + found.error().message);
      continue;
    }
    if (*found) {
      if ((*found)->element_type != type) {
        report.fail("reference set",
                    "'" + name + "' holds " + core::printableExcerpt((*found)->element_type) +
                        " values, but " + std::string(config::referenceSetFieldName(set.field)) +
                        " needs " + type +
                        " (delete the set and run with --fix, or use another "
                        "name)");
      } else {
        report.pass("reference set", "'" + name + "' exists (" + type + ")");
      }
      continue;
    }
    if (!fix) {
      // Not a fault: the sink creates a missing set at its first delivery, with this type and
      // TTL (service/reference_set_sink.h), so a console before the first run is ready.
      report.info("reference set", "'" + name + "' does not exist yet: 'aihunt run' creates it (" +
                                       type + ") at the first delivery; --fix creates it now");
      continue;
    }
    if (auto created = reference.create(name, set.time_to_live, type); !created) {
      report.fail("reference set",
                  "'" + name + "' could not be created: " + created.error().message);
    } else {
      report.pass("reference set", "'" + name + "' created (" + type + ")");
    }
  }
}

// outputs.offense_notes finds a source's offenses (GET /siem/offenses) and adds notes to them:
// one offense is read (Range items=0-0). QRadar has no way to try the note write without
// writing; both need the token's role to have the Offenses capability.
void checkOffenses(qradar::ApiClient& api, const config::OutputsConfig& outputs,
                   CheckReport& report) {
  if (!outputs.offense_notes.enabled) {
    report.skip("offenses", "outputs.offense_notes is not enabled");
    return;
  }
  qradar::ApiCall call;
  call.path = "/api/siem/offenses?fields=id";
  call.headers = {{"Range", "items=0-0"}};
  call.retry = false;
  auto response = api.call(call);
  if (!response) {
    report.fail("offenses", response.error().message);
    return;
  }
  if (response->status == 403) {
    report.fail("offenses",
                "the token's role lacks the Offenses capability, which outputs.offense_notes "
                "needs to read offenses and add notes: " +
                    api.coreErrorOf(*response).message);
    return;
  }
  if (response->status >= 300) {
    report.fail("offenses", api.coreErrorOf(*response).message);
    return;
  }
  report.pass("offenses",
              "readable (outputs.offense_notes; adding a note needs the same Offenses "
              "capability and is not tried)");
}

// aihunt's rule (docs/qradar-setup.md, step 4), found by outputs.offense_notes.match_rule: it
// makes the offenses of aihunt's LEEF events, and the notes tell an offense aihunt's events
// joined (another rule opened and named it) by it. Warnings only: the rule may be named
// otherwise, or hidden from the token, and notes still go on offenses named with
// match_description.
void checkAihuntRule(qradar::ApiClient& api, const config::OutputsConfig& outputs,
                     CheckReport& report) {
  const config::OffenseNotesOutput& notes = outputs.offense_notes;
  if (!notes.enabled && !outputs.leef.enabled) return;
  if (notes.match_rule.empty()) {
    report.skip("aihunt rule", "outputs.offense_notes.match_rule is '': not looked for");
    return;
  }
  const std::string match = core::printableExcerpt(notes.match_rule, 80);
  auto rules = qradar::listRules(api);
  if (!rules && rules.error().code == core::ErrorCode::kAuth && !notes.enabled) {
    // LEEF alone does not need to read rules (step 0 does not ask for it): for the record.
    report.info("aihunt rule",
                "the token may not read rules, so the rule that makes aihunt's offenses cannot "
                "be checked (View Custom Rules, under Log Activity, would let it)");
    return;
  }
  if (!rules) {
    report.warn("aihunt rule",
                rules.error().code == core::ErrorCode::kAuth
                    ? std::string("the token may not read rules (View Custom Rules, under "
                                  "Offenses and under Log Activity), so the rule that makes "
                                  "aihunt's offenses cannot be checked") +
                          (notes.enabled ? "; offense notes go only on offenses named with "
                                           "match_description, not on one another rule opened "
                                           "that aihunt's events joined"
                                         : "")
                    : "could not read the rules: " + rules.error().message);
    return;
  }
  const std::string match_lower = core::asciiLowered(notes.match_rule);
  std::vector<const qradar::RuleSummary*> named;
  for (const qradar::RuleSummary& rule : *rules) {
    if (core::icontainsLower(rule.name, match_lower)) named.push_back(&rule);
  }
  const auto describe = [](const qradar::RuleSummary& rule) {
    return "'" + core::printableExcerpt(rule.name, 120) + "' (id " + std::to_string(rule.id) + ")";
  };
  if (named.empty()) {
    report.warn("aihunt rule",
                "no rule of the " + core::counted(rules->size(), "rule") + " the token sees has '" +
                    match +
                    "' (outputs.offense_notes.match_rule) in its name. Either the rule of "
                    "docs/qradar-setup.md, step 4 is missing or named otherwise (set match_rule "
                    "to a part of its name), or the token's role may not see it (event rules "
                    "need View Custom Rules under Log Activity)");
    return;
  }
  if (named.size() > 1) {
    // A short match_rule ("AI" is in "domain") would count other rules' offenses as aihunt's.
    std::string listed;
    for (std::size_t i = 0; i < named.size() && i < 5; ++i) {
      listed += (i == 0 ? "" : ", ") + describe(*named[i]) +
                (named[i]->enabled ? ", enabled" : ", disabled");
    }
    if (named.size() > 5) listed += " and " + std::to_string(named.size() - 5) + " more";
    report.warn("aihunt rule",
                std::to_string(named.size()) + " rules have '" + match +
                    "' (outputs.offense_notes.match_rule) in their names: " + listed + ". " +
                    (notes.enabled ? "Offense notes count an offense any of them contributed "
                                     "to as aihunt's: set"
                                   : "Which is aihunt's cannot be told: set") +
                    " match_rule to a part of aihunt's rule's name that no other rule has");
    return;
  }
  const qradar::RuleSummary& rule = *named.front();
  if (!rule.enabled) {
    report.warn("aihunt rule",
                describe(rule) + " is disabled: it makes no offense of aihunt's LEEF events");
    return;
  }
  report.pass("aihunt rule", describe(rule) + ", enabled");
}

// The log source of aihunt's type whose identifier is the host name aihunt's syslog header
// carries: QRadar routes a syslog event to the log source whose Log Source Identifier is the
// header's host. Any other, and the events get no aihunt type and no QID names, so the rule
// (which tests both) makes no offense, no note is written, and the hunts raise them as findings
// again (a trial: a typo in the host name passed every check and looped).
void checkOwnLogSource(qradar::ApiClient& api, const std::vector<qradar::LogSourceType>& types,
                       const std::string& hostname, CheckReport& report) {
  const std::string what = "aihunt log source";
  const std::string host = "'" + core::printableExcerpt(hostname) + "'";
  std::string type_names;
  for (const auto& type : types) {
    type_names += (type_names.empty() ? "'" : ", '") + core::printableExcerpt(type.name) + "'";
  }
  std::vector<std::string> others;
  std::string disabled;  // the first log source with the identifier, when none is enabled
  std::size_t listed = 0;
  for (const qradar::LogSourceType& type : types) {
    auto sources = qradar::listLogSourcesOfType(api, type.id);
    if (!sources) {
      report.warn(what, "could not list the log sources (" + sources.error().message +
                            "): check by hand that a log source of type " + type_names +
                            " has the Log Source Identifier " + host +
                            ", the host name in aihunt's syslog header (outputs.leef.hostname)");
      return;
    }
    listed += sources->size();
    for (const qradar::LogSource& source : *sources) {
      if (source.identifier != hostname) {
        const std::string other = "'" + core::printableExcerpt(source.identifier) + "'";
        if (!source.identifier.empty() &&
            std::find(others.begin(), others.end(), other) == others.end()) {
          others.push_back(other);
        }
        continue;
      }
      const std::string named =
          "'" + core::printableExcerpt(source.name) + "' (id " + std::to_string(source.id) + ")";
      if (source.enabled) {
        report.pass(what, named + " takes the events of " + host + " (outputs.leef.hostname)");
        return;
      }
      // An enabled one with the same identifier, later or of another own type, may take them.
      if (disabled.empty()) disabled = named;
    }
  }
  if (!disabled.empty()) {
    report.fail(what, disabled + " has the identifier " + host +
                          " but is disabled: enable it (docs/qradar-setup.md, the log source)");
    return;
  }
  if (listed > 0 && others.empty()) {
    // Log sources of the type, none showing an identifier: a console that keeps the protocol
    // parameters from this token, say. Not knowing is not a failure.
    report.warn(what, "the console lists " + core::counted(listed, "log source") + " of type " +
                          type_names +
                          " but no identifier for any: check by hand that one has the Log "
                          "Source Identifier " +
                          host + " (outputs.leef.hostname)");
    return;
  }
  std::string shown;
  for (std::size_t i = 0; i < others.size() && i < 5; ++i) shown += (i ? ", " : "") + others[i];
  if (others.size() > 5) shown += ", +" + std::to_string(others.size() - 5) + " more";
  report.fail(what, "no log source of type " + type_names + " has the Log Source Identifier " +
                        host +
                        ", the host name aihunt's syslog header carries (outputs.leef.hostname, "
                        "default: this machine's name)" +
                        (shown.empty() ? std::string() : "; those of that type take " + shown) +
                        ": aihunt's LEEF events would arrive under another log source, with no QID "
                        "names (the rule makes no offense of them, and no note is written) and be "
                        "hunted again as findings. Set outputs.leef.hostname to the identifier, or "
                        "create the log source (docs/qradar-setup.md, the log source)");
}

// detection.own_log_source_types, with outputs.leef on: the type aihunt's LEEF events arrive
// under must exist. Without it QRadar maps none of them to aihunt's QIDs (so the rule makes no
// offense), and the hunts read them back as ordinary events and raise them as findings again.
void checkOwnLogSourceType(qradar::ApiClient& api, const config::OutputsConfig& outputs,
                           const std::vector<std::string>& own_types,
                           const std::string& leef_hostname, CheckReport& report) {
  const std::string what = "aihunt log source type";
  if (!outputs.leef.enabled) {
    report.skip(what, "outputs.leef is not enabled: aihunt sends QRadar no events of its own");
    return;
  }
  // The log source is looked for among those of the type: without the type, not at all.
  const auto noSourceCheck = [&report] {
    report.skip("aihunt log source", "not tried: no aihunt log source type to look in");
  };
  if (own_types.empty()) {
    report.warn(what,
                "detection.own_log_source_types is []: aihunt's own LEEF events are "
                "hunted as ordinary events, and raised as findings again");
    noSourceCheck();
    return;
  }
  auto types = qradar::listLogSourceTypes(api);
  if (!types) {
    report.warn(what, "could not list the log source types to find '" +
                          core::printableExcerpt(own_types.front()) +
                          "': " + types.error().message);
    noSourceCheck();
    return;
  }
  std::vector<qradar::LogSourceType> own;
  for (const qradar::LogSourceType& type : *types) {
    const std::string lowered = core::asciiLowered(type.name);
    if (std::find(own_types.begin(), own_types.end(), lowered) != own_types.end()) {
      own.push_back(type);
    }
  }
  if (!own.empty()) {
    report.pass(what, "'" + core::printableExcerpt(own.front().name) + "' (id " +
                          std::to_string(own.front().id) + ")" +
                          (own.size() > 1 ? " and " + std::to_string(own.size() - 1) + " more"
                                          : std::string()) +
                          " exists: aihunt's LEEF events are told apart, once the log source "
                          "that receives them has this type (docs/qradar-setup.md)");
    // Every type named (own_log_source_types is a list): the log source may have any of them.
    checkOwnLogSource(api, own, leef_hostname, report);
    return;
  }
  std::string names;
  for (const auto& name : own_types) {
    names += (names.empty() ? "'" : ", '") + core::printableExcerpt(name) + "'";
  }
  report.fail(what, "no log source type named " + names + " among the " +
                        std::to_string(types->size()) + " the console lists" +
                        " (detection.own_log_source_types): QRadar would map none of aihunt's "
                        "LEEF events to its QIDs, so the rule makes no offense, and the hunts "
                        "would read them back and raise them as findings again. Create it "
                        "(docs/qradar-setup.md, the log source type and its log source), or "
                        "name yours in detection.own_log_source_types");
  noSourceCheck();
}

// The numeric addresses `host` resolves to; none when it does not resolve.
std::set<std::string> addressesOf(const std::string& host) {
  std::set<std::string> out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return out;
  for (const addrinfo* at = found; at != nullptr; at = at->ai_next) {
    std::array<char, NI_MAXHOST> text{};
    if (::getnameinfo(at->ai_addr, at->ai_addrlen, text.data(), text.size(), nullptr, 0,
                      NI_NUMERICHOST) == 0) {
      out.insert(text.data());
    }
  }
  ::freeaddrinfo(found);
  return out;
}

// True when `a` and `b` name the same host: the same name, or names with an address in common
// (the console's name against its IP address, `localhost` against 127.0.0.1).
bool sameHost(const std::string& a, const std::string& b) {
  if (core::asciiLowered(a) == core::asciiLowered(b)) return true;
  const std::set<std::string> of_a = addressesOf(a);
  const std::set<std::string> of_b = addressesOf(b);
  return std::any_of(of_a.begin(), of_a.end(),
                     [&](const std::string& address) { return of_b.count(address) > 0; });
}

// outputs.leef: the connection the LEEF sink makes (TCP, or TLS verified against
// outputs.leef.ca_file or the system store, the host name checked), then closed; no event is sent.
// `console_url` (the REST API's base URL; empty when unknown): a receiver at the same host and
// port is the console's HTTPS server, which takes the TLS handshake (so the connection alone
// passes) and then drops every event as a bad HTTP request. `console_answered`: whether the
// REST API answered at that URL; when it did not, the URL may be the setting that is wrong (a
// syslog port typed as the console's), and the check says so rather than blame the LEEF port.
// The console's checks that come after the first ones, said as not tried when those stopped the
// check (no answer, a refused token or version, no Ariel search): a missing line would read as
// a check that does not apply (a trial). A check that has its line already keeps it alone.
void skipConsoleChecks(const config::OutputsConfig& outputs, const DetectionSetup& setup,
                       CheckReport& report) {
  std::vector<std::string> checks = {"API version", "Ariel search", "mapped properties",
                                     "reference data"};
  if (outputs.offense_notes.enabled) checks.emplace_back("offenses");
  if ((outputs.offense_notes.enabled || outputs.leef.enabled) &&
      !outputs.offense_notes.match_rule.empty()) {
    checks.emplace_back("aihunt rule");
  }
  if (outputs.leef.enabled) {
    checks.emplace_back("aihunt log source type");
    checks.emplace_back("aihunt log source");
  }
  checks.emplace_back("least privilege");
  for (const std::string& check : checks) {
    if (!report.said(check)) report.skip(check, "not tried");
  }
  // One line per set, as when the console answers: a set that would fail is named.
  for (const auto& name : service::referencedSetNames(setup.settings->exceptions)) {
    report.skip("exception set", "'" + name + "': not tried");
  }
  if (outputs.reference_sets.enabled) {
    for (const config::ReferenceSetTarget& set : outputs.reference_sets.sets) {
      report.skip("reference set", "'" + set.name + "': not tried");
    }
  }
}

void checkLeefReceiver(const config::OutputsConfig& outputs, std::string_view console_url,
                       bool console_answered, CheckReport& report) {
  if (!outputs.leef.enabled) {
    report.skip("LEEF receiver", "outputs.leef is not enabled");
    return;
  }
  const qradar::SyslogSenderOptions options = leefSyslogOptions(outputs.leef);
  if (auto console = qradar::parseConsoleUrl(console_url); console) {
    const std::string console_port = console->port.empty()
                                         ? std::string(console->scheme == "https" ? "443" : "80")
                                         : console->port;
    if (console_port == std::to_string(options.port) && sameHost(console->host, options.host) &&
        !console_answered) {
      report.fail("LEEF receiver",
                  options.host + ":" + std::to_string(options.port) +
                      " is both qradar.url's address and outputs.leef's, and the REST API did "
                      "not answer there (see 'connection' above): if it is QRadar's TLS Syslog "
                      "port, fix qradar.url (the console's HTTPS port, 443 by default); if it is "
                      "the console's HTTPS port, fix outputs.leef.port (6514 by convention, "
                      "docs/qradar-setup.md)");
      return;
    }
    if (console_port == std::to_string(options.port) && sameHost(console->host, options.host)) {
      report.fail("LEEF receiver",
                  options.host + ":" + std::to_string(options.port) +
                      " is the console's REST API (qradar.url), not a syslog receiver: set "
                      "outputs.leef.port to the port of QRadar's TLS Syslog log source (6514 by "
                      "convention, docs/qradar-setup.md)");
      return;
    }
  }
  qradar::SyslogSender sender(options);
  if (auto connected = sender.connect(); !connected) {
    report.fail("LEEF receiver", connected.error().message);
    return;
  }
  sender.close();
  const std::string where = options.host + ":" + std::to_string(options.port);
  if (options.transport == qradar::SyslogTransport::kTcp) {
    report.warn("LEEF receiver", where +
                                     " reachable over plain TCP: findings would be sent "
                                     "unencrypted (use protocol: tls); no event sent");
    return;
  }
  const std::string trust = options.ca_file.empty() ? std::string("the system trust store")
                                                    : "CA file " + options.ca_file;
  report.pass("LEEF receiver", where + " reachable, TLS ok (certificate verified against " + trust +
                                   "); no event sent");
}

}  // namespace

int runCheckCommand(const std::vector<std::string>& args, CommandContext& context) {
  po::options_description options(
      "aihunt check [--config F] [--fix]: check that aihunt can hunt on the console");
  options.add_options()("help,h", "show this help")("config,c", po::value<std::string>(),
                                                    "config file (default: the built-in pack)")(
      "fix", po::bool_switch(), "create missing reference sets")(
      "format,f", po::value<std::string>()->default_value("text"),
      "text (one line per check) or json (one document: each check's name, status and detail, "
      "and the verdict)");
  addConnectionOptions(options);
  addLoggingOptions(options);
  po::variables_map values;
  if (!parseOptions(args, options, {}, values, context.streams)) return core::kExitUsage;
  if (values.count("help") != 0)
    return printHelp(
        options,
        "\nChecks: config, TLS handshake, token, API version, Ariel search capability, "
        "mapped properties in the events catalog (and, for the record, which are not indexable), "
        "reference data and the configured "
        "reference sets, offenses and aihunt's rule (outputs.offense_notes), the LEEF syslog "
        "receiver "
        "(outputs.leef: connected to, TLS verified, no event sent), the log source type its "
        "events arrive under (detection.own_log_source_types) and the log source of that type "
        "whose identifier is outputs.leef.hostname (where the token may list log sources)."
        "\nExit codes: 0 every check "
        "passed, 2 usage or config error, 3 a check failed (connection, TLS, auth, capability, "
        "catalog, LEEF receiver, log source type or log source).\n",
        context.streams);
  if (!setUpLogging(values, context)) return core::kExitUsage;
  const std::string format = values["format"].as<std::string>();
  if (format != "text" && format != "json") {
    return fail(context, "--format: '" + format + "' is not text or json", core::kExitUsage);
  }
  CheckReport report(context.streams.out, *context.redactor, format == "json");
  const std::string config_path =
      values.count("config") != 0 ? values["config"].as<std::string>() : std::string();

  config::OutputsConfig outputs;
  auto setup = loadDetectionSetup(config_path, std::string(), context);
  if (!setup) {
    report.failLines("config", context.redactor->redact(setup.error().message));
    report.verdict(false, "NOT READY (the config is invalid)");
    return core::kExitUsage;
  }
  std::vector<LocalFileProblem> local_files;
  std::optional<std::string> hidden_token_file;
  if (!config_path.empty()) {
    config::LoadOptions load;
    load.resolve_token = false;
    auto loaded = config::loadConfigFile(config_path, config::ProcessEnvironment(), load);
    if (loaded.ok()) {
      outputs = loaded.config->outputs;
      local_files = localFileProblems(*loaded.config);
      if (loaded.config->qradar) {
        hidden_token_file =
            config::hiddenTokenFileWarning(*loaded.config->qradar, *context.environment);
      }
    }
  }
  report.pass("config",
              config_path.empty() ? "built-in pack and hunts" : config_path + " is valid");
  // Warnings: check may run on another machine than the daemon's, whose files differ.
  for (const LocalFileProblem& problem : local_files) {
    // The findings file is an outbox sink: the daemon keeps hunting and holds those findings.
    const char* consequence =
        problem.key == "outputs.jsonl.path"
            ? " (where aihunt runs, 'aihunt run' would hold the findings for that file in its "
              "outbox and try again; run --once exits 4)"
            : " (where aihunt runs, 'aihunt run' would stop on this)";
    report.warn("local files", problem.key + ": " + problem.message + consequence);
  }
  if (hidden_token_file) report.warn("token file", "qradar.token_file: " + *hidden_token_file);

  // checkAccess() makes its own first request and reports an unreachable console as a check.
  auto connection = openConnection(values, config_path, context,
                                   ConnectionUse{nullptr, /*caller_reports_unreachable=*/true});
  if (!connection) {
    report.fail("connection settings", context.redactor->redact(connection.error().message));
    report.verdict(false, "NOT READY");
    return core::kExitUsage;
  }
  qradar::ApiClient& api = *(*connection)->api;
  bool console_answered = false;
  if (checkAccess(api, **connection, report, console_answered)) {
    checkCatalog(api, setup->hunts, report);
    checkReferenceSets(api, outputs, *setup, values["fix"].as<bool>(), report);
    checkOffenses(api, outputs, report);
    checkAihuntRule(api, outputs, report);
    checkOwnLogSourceType(
        api, outputs, setup->settings->own_log_source_types,
        outputs.leef.hostname.empty() ? service::machineHostName() : outputs.leef.hostname, report);
    checkLeastPrivilege(api, outputs, report);
  } else {
    skipConsoleChecks(outputs, *setup, report);
  }
  // Another path into QRadar: tried whatever the API said.
  checkLeefReceiver(outputs, (*connection)->api->settings().base_url, console_answered, report);
  if (report.failures() == 0) {
    // A JSON reader has no "above": the warnings are in its checks.
    report.verdict(true, report.warnings() == 0 ? "READY"
                         : report.json()        ? "READY, with warnings"
                                                : "READY (see the warnings above)");
    return core::kExitOk;
  }
  report.verdict(false, "NOT READY (" + std::to_string(report.failures()) + " check" +
                            (report.failures() == 1 ? "" : "s") + " failed)");
  return core::kExitConnection;
}

}  // namespace aihunt::cli
