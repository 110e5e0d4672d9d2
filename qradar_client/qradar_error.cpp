#include "qradar_client/qradar_error.h"

#include <nlohmann/json.hpp>

namespace aihunt::qradar {
namespace {

std::string printable(std::string_view text, std::size_t limit) {
  std::string out;
  for (const char c : text.substr(0, limit)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  if (text.size() > limit) out += "...";
  return out;
}

}  // namespace

QRadarError parseQRadarError(int http_status, std::string_view body) {
  QRadarError error;
  error.http_status = http_status;
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    if (auto code = parsed.find("code"); code != parsed.end() && code->is_number_integer()) {
      error.code = code->get<int>();
    }
    for (const char* key : {"message", "description"}) {
      auto text = parsed.find(key);
      if (text != parsed.end() && text->is_string() && !text->get<std::string>().empty()) {
        error.message = printable(text->get<std::string>(), 500);
        break;
      }
    }
  }
  if (error.message.empty()) error.message = printable(body, 200);
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
