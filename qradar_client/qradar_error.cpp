#include "qradar_client/qradar_error.h"

#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace aihunt::qradar {
namespace {

// QRadar's unique codes are small positive numbers; anything outside an int is not one.
int codeOf(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const auto code = value.get<std::uint64_t>();
    return code <= static_cast<std::uint64_t>(std::numeric_limits<int>::max())
               ? static_cast<int>(code)
               : 0;
  }
  if (value.is_number_integer()) {
    const auto code = value.get<std::int64_t>();
    return code >= 0 && code <= std::numeric_limits<int>::max() ? static_cast<int>(code) : 0;
  }
  return 0;
}

}  // namespace

QRadarError parseQRadarError(int http_status, std::string_view body) {
  QRadarError error;
  error.http_status = http_status;
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    if (auto code = parsed.find("code"); code != parsed.end()) error.code = codeOf(*code);
    for (const char* key : {"message", "description"}) {
      auto text = parsed.find(key);
      if (text != parsed.end() && text->is_string() && !text->get<std::string>().empty()) {
        error.message = core::printableExcerpt(text->get<std::string>(), 500);
        break;
      }
    }
  }
  // The body is the server's text and reaches people: made inert here, at the border.
  if (error.message.empty()) error.message = core::printableExcerpt(body, 200);
  return error;
}

bool isQRadarErrorBody(std::string_view body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return false;
  const auto code = parsed.find("code");
  return code != parsed.end() && code->is_number_integer();
}

core::Error toCoreError(const QRadarError& error) {
  core::ErrorCode code = core::ErrorCode::kRemote;
  if (error.http_status == 401 || error.http_status == 403) code = core::ErrorCode::kAuth;
  if (error.http_status == 404) code = core::ErrorCode::kNotFound;
  std::string message = "HTTP " + std::to_string(error.http_status);
  if (error.code != 0) message += " (code " + std::to_string(error.code) + ")";
  if (!error.message.empty()) message += ": " + error.message;
  return core::makeError(code, std::move(message));
}

}  // namespace aihunt::qradar
