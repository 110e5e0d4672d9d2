#include "emulator/http_message.h"

#include "core/text.h"

namespace aihunt::emulator {

std::optional<std::string_view> findHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (core::iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

void HttpResponse::setHeader(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (core::iequals(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

HttpResponse jsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.setHeader("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

}  // namespace aihunt::emulator
