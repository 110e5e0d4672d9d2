#include "results/finding_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/text.h"
#include "core/time.h"
#include "detection/finding_json.h"

namespace aihunt::results {
namespace {

using simdjson::dom::element;

core::Error bad(const std::string& what) { return core::makeError(core::ErrorCode::kParse, what); }

// The members a finding has, looked up by name once per row. A key written twice keeps its last
// value, as a JSON object read into a map would.
enum Member : std::size_t {
  kSchemaVersion,
  kFindingId,
  kHunt,
  kEventTime,
  kSourceIp,
  kUsername,
  kHost,
  kDestinationIp,
  kDestinationPort,
  kUrl,
  kDomain,
  kProvider,
  kApplication,
  kProcessName,
  kProcessCategory,
  kBytesSent,
  kSignals,
  kRiskScore,
  kSeverity,
  kSuppressed,
  kException,
  kLogSource,
  kEventCategory,
  kEvidence,
  kWindow,
  kMemberCount
};

constexpr std::array<std::string_view, kMemberCount> kMemberNames = {
    "schema_version", "finding_id", "hunt",           "event_time",       "source_ip",
    "username",       "host",       "destination_ip", "destination_port", "url",
    "domain",         "provider",   "application",    "process_name",     "process_category",
    "bytes_sent",     "signals",    "risk_score",     "severity",         "suppressed",
    "exception",      "log_source", "event_category", "evidence",         "window"};

// Keys that say what a row that is not a finding is instead.
enum Hint : unsigned { kAriel = 1, kIncident = 2, kComplete = 4, kHunts = 8, kRawEvent = 16 };

struct Row {
  std::array<std::optional<element>, kMemberCount> members;
  unsigned hints = 0;
  [[nodiscard]] const std::optional<element>& operator[](Member m) const { return members[m]; }
};

Row readMembers(simdjson::dom::object object) {
  Row row;
  for (const auto field : object) {
    const std::string_view key = field.key;
    const auto known = std::find(kMemberNames.begin(), kMemberNames.end(), key);
    if (known != kMemberNames.end()) {
      row.members[static_cast<std::size_t>(known - kMemberNames.begin())] = field.value;
    } else if (key == "events" || key == "flows" || key == "starttime") {
      row.hints |= kAriel;
    } else if (key == "qid" || key == "devicetype" || key == "logsourceid") {
      row.hints |= kRawEvent;  // ids a query turns into names (QIDNAME, LOGSOURCENAME)
    } else if (key == "incident_id") {
      row.hints |= kIncident;
    } else if (key == "complete") {
      row.hints |= kComplete;
    } else if (key == "hunts") {
      row.hints |= kHunts;
    }
  }
  return row;
}

std::string name(Member m) { return std::string(kMemberNames[m]); }

// Reads of an element whose type was checked first (so none of them can fail).
std::string_view stringOf(const element& value) { return value.get_string().value_unsafe(); }
std::int64_t int64Of(const element& value) { return value.get_int64().value_unsafe(); }

// A string member, or empty for null or absent (the writer writes empty text as null).
core::Status text(const Row& row, Member m, std::string& into) {
  const auto& value = row[m];
  if (!value || value->is_null()) {
    into.clear();
    return {};
  }
  if (!value->is_string()) return bad("'" + name(m) + "' is not text");
  into.assign(stringOf(*value));
  return {};
}

// A whole number as JSON writes it; one past int64 has no place in a finding.
std::optional<std::int64_t> wholeNumber(const element& value) {
  if (!value.is_int64()) return std::nullopt;
  return int64Of(value);
}

core::Result<std::optional<std::int64_t>> integerOrNull(const Row& row, Member m) {
  const auto& value = row[m];
  if (!value || value->is_null()) return std::optional<std::int64_t>();
  const auto number = wholeNumber(*value);
  if (!number) return bad("'" + name(m) + "' is not a whole number");
  return std::optional<std::int64_t>(*number);
}

template <typename Value, typename FromName>
core::Result<Value> named(const Row& row, Member m, FromName from_name) {
  const auto& value = row[m];
  if (!value || !value->is_string()) return bad("'" + name(m) + "' is not text");
  const std::string_view text = stringOf(*value);
  const auto known = from_name(std::string(text));
  if (!known) {
    return bad("'" + name(m) + "' holds a value this aihunt does not know: '" +
               core::printableExcerpt(text) + "'");
  }
  return *known;
}

std::optional<detection::Severity> severityFromName(std::string_view name) {
  using detection::Severity;
  for (const Severity severity :
       {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (detection::severityName(severity) == name) return severity;
  }
  return std::nullopt;
}

// The daemon's window text: two ISO 8601 UTC times, from before to.
bool isWindow(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  const auto from = core::parseTimestamp(std::string(text.substr(0, slash)));
  const auto to = core::parseTimestamp(std::string(text.substr(slash + 1)));
  return from && to && *from < *to && text.back() == 'Z';
}

bool isFindingId(std::string_view id) {
  return id.size() == detection::kFindingIdHexChars &&
         std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// What a row that is not a finding looks like, so that the error says where it belongs.
// An incident has an "events" count and "hunts" too: it is told apart first.
std::string notAFinding(const Row& row) {
  if ((row.hints & kIncident) != 0) {
    return "not one of aihunt's findings (it is an incident: incidents are folded from the "
           "findings, so give the file of findings they came from)";
  }
  if ((row.hints & kComplete) != 0 && (row.hints & kHunts) != 0) {
    return "not one of aihunt's findings (it is a JSON document, --format json: give the "
           "findings as JSON Lines, --format jsonl, or its \"findings\" array)";
  }
  if ((row.hints & kRawEvent) != 0) {
    return "not one of aihunt's findings (it looks like exported QRadar events: 'aihunt hunt "
           "--offline FILE --view incidents' hunts those)";
  }
  if ((row.hints & kAriel) != 0) {
    return "not one of aihunt's findings (it looks like Ariel results: 'aihunt triage --view "
           "incidents' reads those)";
  }
  return "not one of aihunt's findings (no finding_id and schema_version)";
}

core::Status fill(const Row& row, detection::Finding& finding) {
  for (const auto& [member, into] : std::initializer_list<std::pair<Member, std::string*>>{
           {kHunt, &finding.hunt},
           {kEventTime, &finding.event_time},
           {kSourceIp, &finding.source_ip},
           {kUsername, &finding.username},
           {kHost, &finding.host},
           {kDestinationIp, &finding.destination_ip},
           {kUrl, &finding.url},
           {kDomain, &finding.domain},
           {kProvider, &finding.provider},
           {kApplication, &finding.application},
           {kProcessName, &finding.process_name},
           {kException, &finding.exception},
           {kLogSource, &finding.log_source},
           {kEventCategory, &finding.event_category},
           {kEvidence, &finding.evidence},
           {kWindow, &finding.window}}) {
    if (auto status = text(row, member, *into); !status) return status;
  }
  if (finding.hunt.empty()) return bad("'hunt' is missing");
  if (!finding.window.empty() && !isWindow(finding.window)) {
    return bad("'window' is not <from>/<to> in ISO 8601 UTC");
  }
  auto port = integerOrNull(row, kDestinationPort);
  if (!port) return port.error();
  finding.destination_port = *port;
  auto sent = integerOrNull(row, kBytesSent);
  if (!sent) return sent.error();
  finding.bytes_sent = *sent;
  auto category =
      named<detection::ProcessCategory>(row, kProcessCategory, detection::processCategoryFromName);
  if (!category) return category.error();
  finding.process_category = *category;
  auto severity = named<detection::Severity>(row, kSeverity, severityFromName);
  if (!severity) return severity.error();
  finding.severity = *severity;
  const auto score = row[kRiskScore] ? wholeNumber(*row[kRiskScore]) : std::nullopt;
  if (!score || *score < 0 || *score > 100) {
    return bad("'risk_score' is not a whole number from 0 to 100");
  }
  finding.risk_score = static_cast<int>(*score);
  const auto& suppressed = row[kSuppressed];
  if (!suppressed || !suppressed->is_bool()) return bad("'suppressed' is not true or false");
  finding.suppressed = suppressed->get_bool().value_unsafe();
  const auto& signals = row[kSignals];
  if (!signals || !signals->is_array()) return bad("'signals' is not a list");
  const simdjson::dom::array list = signals->get_array().value_unsafe();
  for (const element name_value : list) {
    const auto signal = name_value.is_string()
                            ? detection::signalFromName(std::string(stringOf(name_value)))
                            : std::nullopt;
    if (!signal) {
      return bad("'signals' holds a signal this aihunt does not know: '" +
                 core::printableExcerpt(name_value.is_string() ? std::string(stringOf(name_value))
                                                               : simdjson::minify(name_value)) +
                 "'");
    }
    finding.signals.add(*signal);
  }
  return {};
}

// One parser per thread, kept: its buffers grow to the longest row once, not per row.
struct Reader {
  simdjson::dom::parser parser;
  std::vector<char> padded;  // the row with the padding simdjson reads past its end
};

}  // namespace

core::Result<detection::Finding> parseFinding(std::string_view text_json) {
  thread_local Reader reader;
  reader.padded.resize(text_json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(reader.padded.data(), text_json.data(), text_json.size());
  std::memset(reader.padded.data() + text_json.size(), 0, simdjson::SIMDJSON_PADDING);
  element document;
  const simdjson::error_code parsed =
      reader.parser.parse(reader.padded.data(), text_json.size(), false).get(document);
  // A whole number past 2^64 fails the whole parse (simdjson 3.0 calls it a number error); no
  // field of a finding holds one.
  if (parsed == simdjson::NUMBER_OUT_OF_RANGE || parsed == simdjson::NUMBER_ERROR) {
    return bad("a number is too large for any field, or malformed");
  }
  if (parsed != simdjson::SUCCESS) return bad("not valid JSON");
  simdjson::dom::object object;
  if (document.get(object) != simdjson::SUCCESS) return bad("not a JSON object (a finding is one)");
  const Row row = readMembers(object);
  const auto& version = row[kSchemaVersion];
  const auto& id = row[kFindingId];
  if (!version || !id) return bad(notAFinding(row));
  if (!version->is_int64() && !version->is_uint64()) {
    return bad("'schema_version' is not a whole number");
  }
  if (!version->is_int64() || int64Of(*version) != detection::kOutputSchemaVersion) {
    const std::string written = version->is_int64()
                                    ? std::to_string(int64Of(*version))
                                    : std::to_string(version->get_uint64().value_unsafe());
    return bad("written with schema_version " + written + "; this aihunt reads version " +
               std::to_string(detection::kOutputSchemaVersion) + " (docs/output.md)");
  }
  detection::Finding finding;
  if (!id->is_string() || !isFindingId(stringOf(*id))) {
    return bad("'finding_id' is not 32 lower-case hex digits");
  }
  finding.finding_id = std::string(stringOf(*id));
  if (auto status = fill(row, finding); !status) return status.error();
  return finding;
}

}  // namespace aihunt::results
