#pragma once
// One finding -> one LEEF 2.0 event in one syslog line, for QRadar's syslog intake:
//
//   <PRI>1 TIMESTAMP HOSTNAME aihunt - - - LEEF:2.0|aihunt|aihunt|VERSION|EventID|^|key=value^...
//
// The RFC 5424 header carries the configured host name, by which QRadar picks the log source.
// The EventID (one of a fixed vocabulary, the most important signal wins) and `cat` are the two
// columns of the QID map of the custom log source type (docs/qradar-setup.md).
//
// LEEF defines no escaping, so values are sanitised instead (sanitizeLeefValue): after it, a value
// holds no '^' (the delimiter), no '|', no control or invisible character (C0, DEL, C1,
// U+2028/U+2029, bidi overrides and isolates, zero-width characters: core/display_text.h; so no
// CR, LF, NUL or tab), and only valid UTF-8; it is cut to a cap per key, and the caps keep a whole
// event under kLeefMaxEventBytes. Keys are fixed ASCII names. A value may hold '=': a LEEF parser
// reads each pair's key up to the pair's first '=', and a value cannot contain the delimiter that
// would start another pair, so no value can forge a key.
//
// Sources (IBM, "Log Event Extended Format (LEEF)" in the DSM documentation):
//   https://www.ibm.com/docs/en/dsm?topic=overview-leef-event-components (syslog and LEEF headers,
//     the 2.0 delimiter field)
//   https://www.ibm.com/docs/en/SS42VS_DSM/com.ibm.dsm.doc/c_LEEF_Format_Guide_predefinedAttrrs.html
//     (predefined keys; EventID and cat are the QID map's two columns)
//   https://www.ibm.com/docs/en/SS42VS_DSM/com.ibm.dsm.doc/c_LEEF_Format_Guide_bestpractices.html
//     (no tab, pipe or caret in keys and values; custom keys must not reuse predefined names)
//   https://www.ibm.com/docs/en/dsm?topic=overview-custom-event-keys (a key appears once)
//   https://www.ibm.com/docs/en/dsm?topic=leef-overview (UTF-8)
//   https://www.ibm.com/docs/en/dsm?topic=overview-predefined-leef-event-attributes (devTime: an
//     epoch value of 10 or 13 digits needs no devTimeFormat)
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace aihunt::qradar {

// The whole line (syslog header included, the framing newline excluded).
inline constexpr std::size_t kLeefMaxEventBytes = 8192;
// Caps per value, in bytes after sanitising (a cut value ends with "...", U+2026). 255: IBM's
// predefined attributes page gives usrName a maximum of 255 (and other short values fit).
inline constexpr std::size_t kLeefMaxValueBytes = 255;
inline constexpr std::size_t kLeefMaxUrlBytes = 2048;
inline constexpr std::size_t kLeefMaxEvidenceBytes = 2048;
inline constexpr std::size_t kLeefMaxHostnameBytes = 255;  // RFC 5424 HOSTNAME
// devTime is sent only as 13-digit epoch milliseconds (IBM: an epoch devTime of 10 or 13 digits
// needs no devTimeFormat); an event time outside this range is left out.
inline constexpr std::int64_t kLeefMinEpochMs13 = 1'000'000'000'000;
inline constexpr std::int64_t kLeefMaxEpochMs13 = 9'999'999'999'999;

// The EventID vocabulary, most important first.
inline constexpr std::string_view kLeefKeyOnCommandLine = "AI_Key_On_CommandLine";
inline constexpr std::string_view kLeefLargeUpload = "AI_API_LargeUpload";
inline constexpr std::string_view kLeefNonBrowser = "AI_API_NonBrowser";
inline constexpr std::string_view kLeefSdkInstall = "AI_SDK_Install";
inline constexpr std::string_view kLeefFirstSeen = "AI_API_FirstSeen";
inline constexpr std::string_view kLeefContact = "AI_API_Contact";

struct LeefEncoderOptions {
  std::string hostname;               // RFC 5424 HOSTNAME; QRadar's log source identifier
  std::string product_version = "0";  // the LEEF header's Version
};

// A LEEF event before it is written: header EventID and the attributes in order, values raw.
struct LeefEvent {
  std::string event_id;
  std::vector<std::pair<std::string, std::string>> attributes;  // key, raw value, cap below
  std::vector<std::size_t> caps;                                // one per attribute
  int syslog_severity = 5;                                      // RFC 5424 severity (0-7)
};

// The EventID for a finding's signals ("key_or_prompt_on_cmdline", ...): the most important wins.
std::string_view leefEventIdFor(const std::vector<std::string>& signals);
// The `cat` that goes with an EventID (the QID map's second column).
std::string_view leefCategoryFor(std::string_view event_id);
// LEEF `sev` (1-10) for a finding severity (low, medium, high, critical); 1 when unknown.
int leefSeverityFor(std::string_view severity);

// The sanitised form of one value (see the top of this file), at most `max_bytes` bytes.
std::string sanitizeLeefValue(std::string_view value, std::size_t max_bytes);
// Header fields and the syslog host name: printable ASCII only, no '|' (else '_'), capped.
std::string sanitizeLeefHeaderField(std::string_view value, std::size_t max_bytes);

// The event a finding's JSON payload (detection/finding_json.cpp) becomes. Invalid UTF-8 in the
// payload is tolerated (replaced); a payload that is not a JSON object is an error.
core::Result<LeefEvent> leefEventFromFinding(std::string_view payload_json);
// The syslog line (no newline) for `event`, stamped `now`; never over kLeefMaxEventBytes.
std::string writeLeefLine(const LeefEvent& event, const LeefEncoderOptions& options,
                          core::EpochMs now);
// Both of the above.
core::Result<std::string> encodeFindingAsLeef(std::string_view payload_json,
                                              const LeefEncoderOptions& options, core::EpochMs now);

}  // namespace aihunt::qradar
