#pragma once
// Hunt definition + window -> AQL. The query is built as a syntax tree and printed, so config
// values only ever become string literals (quotes doubled by the printer) or validated,
// double-quoted property names: a value cannot end a literal and start a clause. Each window
// renders as whole-minute START/STOP (what Ariel honours) plus an exact half-open
// `starttime >= from AND starttime < to` filter in epoch milliseconds.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aql/ast.h"
#include "core/result.h"
#include "core/time.h"

namespace aihunt::aql {

struct HuntColumn {
  enum class Transform : std::uint8_t {
    kNone,               // "property" AS name
    kCategoryName,       // CATEGORYNAME(property) AS name
    kLogSourceName,      // LOGSOURCENAME(property) AS name
    kQidName,            // QIDNAME(property) AS name
    kLogSourceTypeName,  // LOGSOURCETYPENAME(property) AS name
    kDateFormat,         // DATEFORMAT(property, 'yyyy-MM-dd HH:mm:ss') AS name
  };
  std::string name;      // logical field, used as the alias: [A-Za-z_][A-Za-z0-9_]*
  std::string property;  // Ariel property name: letters, digits, space, _ - . ( )
  Transform transform = Transform::kNone;
};

// LOWER(property) LIKE '%needle%': the broad prefilter for one property. Needles are compared in
// lower case and may not contain LIKE's own '%' or '\\'.
struct ContainsFilter {
  std::string property;
  std::vector<std::string> needles;
};

struct HuntTemplate {
  std::string name;  // for error messages
  Database database = Database::kEvents;
  std::vector<HuntColumn> columns;
  // LOWER(url_property) LIKE '%host%' OR ... ; skipped when the list is empty. Hosts: letters,
  // digits, '.', '-', '_' and an optional leading "*." (any subdomain).
  std::string url_property = "URL";
  std::vector<std::string> provider_hosts;
  // LOWER(application_property) LIKE '%name%' OR ... ; skipped when empty.
  std::string application_property = "Application";
  std::vector<std::string> process_names;
  // Any of these filters (each property, each needle) may hold: one ANDed OR group. Lets a hunt
  // look for provider hosts in its URL, command-line and DNS properties at once.
  std::vector<ContainsFilter> any_contains;
  // Extra condition, AQL expression text, ANDed in. Parsed and re-printed, never pasted.
  std::string extra_where;
  // ORDER BY starttime: off for hunts whose rows are streamed (sorting makes Ariel and the
  // offline evaluator hold every row before the first one is returned).
  bool order_by_time = true;
};

// The large-upload form: bytes sent summed per group of key columns over the window, with the
// request count and the first and last request time. The keys are selected under their names
// and grouped by; the aggregates have fixed aliases (kUpload*Column). No HAVING by default: the
// caller may merge groups (several clients or URLs of one provider) before it applies its own
// threshold. IBM documents GROUP BY over several columns, SUM, COUNT(*), MIN, MAX and HAVING:
// "AQL data aggregation functions",
// https://www.ibm.com/docs/SS42VS_7.4/com.ibm.qradar.doc/r_aql_aggregate_functions.html
struct UploadAggregation {
  std::vector<HuntColumn> keys;  // transform must be kNone
  // Also grouped by (its property as it is) and selected (transformed, such as
  // LOGSOURCETYPENAME(devicetype) AS log_source_type), so that rows of aihunt's own LEEF events
  // can be told apart and left out. IBM's sample queries select LOGSOURCETYPENAME(devicetype)
  // with GROUP BY devicetype ("Sample event, log source, and storage usage AQL statements",
  // https://www.ibm.com/docs/en/SS42VS_SHR/com.ibm.Pulseapp.doc/r_Qapps_PulseDashboard_aql_statement_samples.html).
  std::optional<HuntColumn> log_source_type;
  std::string bytes_property = "Bytes Sent";
  std::int64_t min_total_bytes = 0;  // HAVING SUM(bytes) >= n when > 0
};

inline constexpr const char* kUploadBytesColumn = "bytes_sent";      // SUM(bytes)
inline constexpr const char* kUploadFirstColumn = "event_time";      // MIN(starttime)
inline constexpr const char* kUploadCountColumn = "request_count";   // COUNT(*)
inline constexpr const char* kUploadLastColumn = "last_event_time";  // MAX(starttime)

core::Result<Query> buildHuntQuery(const HuntTemplate& hunt, core::EpochMs from, core::EpochMs to);
core::Result<Query> buildUploadQuery(const HuntTemplate& hunt, const UploadAggregation& upload,
                                     core::EpochMs from, core::EpochMs to);

// print(build...()): the AQL text to send.
core::Result<std::string> renderHuntQuery(const HuntTemplate& hunt, core::EpochMs from,
                                          core::EpochMs to);
core::Result<std::string> renderUploadQuery(const HuntTemplate& hunt,
                                            const UploadAggregation& upload, core::EpochMs from,
                                            core::EpochMs to);

// Validators, also for config checks: each error names `path` and shows the value.
core::Status validatePropertyName(std::string_view value, std::string_view path);
core::Status validateAlias(std::string_view value, std::string_view path);
core::Status validateHost(std::string_view value, std::string_view path);
core::Status validateLiteral(std::string_view value, std::string_view path);

}  // namespace aihunt::aql
