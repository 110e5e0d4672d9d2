#pragma once
// QRadar's error bodies ({"message", "description", "code", "http_response": {...}}) read into
// a value, and the core::Error a failed API call becomes. Nothing here trusts the body: a
// non-JSON or odd-shaped body still yields the HTTP status and a cut-down text.
#include <string>
#include <string_view>

#include "core/error.h"

namespace aihunt::qradar {

struct QRadarError {
  int http_status = 0;
  int code = 0;         // QRadar's unique code (1002, 1010, 2000...), 0 when absent
  std::string message;  // "message", else "description", else the body's first 200 bytes
};

QRadarError parseQRadarError(int http_status, std::string_view body);

// Whether a body is QRadar's own error object (a JSON object with its numeric "code"), as
// opposed to a gateway's page or nothing at all.
bool isQRadarErrorBody(std::string_view body);

// 401/403 -> kAuth, 404 -> kNotFound, everything else -> kRemote. The message names the status,
// the code and QRadar's text, e.g. "HTTP 422 (code 2000): Invalid AQL query".
core::Error toCoreError(const QRadarError& error);

// QRadar's documented codes that matter to the client.
inline constexpr int kCodeNotFound = 1002;
inline constexpr int kCodeResultsNotReady = 1003;
inline constexpr int kCodeNameInUse = 1004;
inline constexpr int kCodeArielUnavailable = 1010;
inline constexpr int kCodeServerError = 1020;

}  // namespace aihunt::qradar
