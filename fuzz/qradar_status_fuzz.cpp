// Fuzzes what a hostile console answers about a search: the status object (parseSearchStatus)
// and the error bodies of every failed call (parseQRadarError, toCoreError). Traps on a parsed
// status outside its documented ranges (progress 0-100, record_count >= 0, a COMPLETED status
// without a valid count) and on any text meant for people that is not valid UTF-8 or still holds
// a control or invisible character (core/display_text.h). UBSan catches out-of-range number
// conversions.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/display_text.h"
#include "core/text.h"
#include "qradar_client/qradar_error.h"
#include "qradar_client/search_status.h"

namespace {

[[noreturn]] void trap(const char* what, std::string_view detail) {
  std::fprintf(stderr, "qradar_status_fuzz: %s: %s\n", what,
               aihunt::core::printableExcerpt(detail, 400).c_str());
  std::abort();
}

void requireInert(const char* what, const std::string& text) {
  if (!aihunt::core::isValidUtf8(text)) trap(what, text);
  if (aihunt::core::displayText(text) != text) trap(what, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  auto status = aihunt::qradar::parseSearchStatus(body);
  if (status) {
    if (status->search_id.empty()) trap("empty search_id accepted", body);
    if (status->progress < 0 || status->progress > 100) trap("progress out of range", body);
    if (status->record_count < 0) trap("negative record_count", body);
    for (const std::string& message : status->error_messages) {
      requireInert("error message not sanitised", message);
    }
    static_cast<void>(aihunt::qradar::searchStateName(status->state));
  } else {
    requireInert("status error not inert", status.error().message);
  }

  // The same bytes as the body of every status a failed call can carry.
  for (const int http_status : {401, 403, 404, 422, 500, 503}) {
    const aihunt::qradar::QRadarError error = aihunt::qradar::parseQRadarError(http_status, body);
    if (error.code < 0) trap("negative QRadar code", body);
    requireInert("QRadar error message not sanitised", error.message);
    if (error.message.size() > 600) trap("QRadar error message not cut", error.message);
    requireInert("core error not inert", aihunt::qradar::toCoreError(error).message);
  }
  return 0;
}
