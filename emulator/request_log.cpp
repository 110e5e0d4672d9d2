#include "emulator/request_log.h"

#include "core/text.h"

namespace aihunt::emulator {

void RequestLog::record(RecordedRequest request) {
  for (auto& [name, value] : request.headers) {
    if (core::iequals(name, "SEC") || core::iequals(name, "Authorization")) value = "<redacted>";
  }
  constexpr std::size_t kMaxBody = 64 * 1024;
  if (request.body.size() > kMaxBody) request.body.resize(kMaxBody);
  std::lock_guard lock(mutex_);
  request.seq = next_seq_++;
  entries_.push_back(std::move(request));
  while (entries_.size() > capacity_) entries_.pop_front();
}

nlohmann::json RequestLog::since(std::uint64_t after, std::size_t limit) const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const RecordedRequest& r : entries_) {
    if (r.seq <= after) continue;
    if (out.size() >= limit) break;
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [name, value] : r.headers) headers[core::asciiLowered(name)] = value;
    out.push_back({{"seq", r.seq},
                   {"time", r.time},
                   {"method", r.method},
                   {"target", r.target},
                   {"headers", headers},
                   {"body", r.body},
                   {"remote", r.remote},
                   {"user", r.user},
                   {"status", r.status},
                   {"fault", r.fault},
                   {"duration_us", r.duration_us}});
  }
  return out;
}

void RequestLog::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

std::uint64_t RequestLog::lastSeq() const {
  std::lock_guard lock(mutex_);
  return next_seq_ - 1;
}

}  // namespace aihunt::emulator
