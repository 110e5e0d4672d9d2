#pragma once
// Every API request the emulator answered, for test assertions through GET /admin/requests:
// method, target, headers (SEC and Authorization values redacted), body (cut at 64 KiB), status,
// injected fault and duration. A bounded ring, so a long load run keeps memory flat.
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "emulator/http_message.h"

namespace aihunt::emulator {

struct RecordedRequest {
  std::uint64_t seq = 0;
  core::EpochMs time = 0;
  std::string method;
  std::string target;
  HeaderList headers;
  std::string body;
  std::string remote;
  std::string user;
  int status = 0;
  std::string fault;
  std::int64_t duration_us = 0;
};

class RequestLog {
 public:
  explicit RequestLog(std::size_t capacity) : capacity_(capacity) {}
  // Redacts credentials, cuts the body, assigns the sequence number.
  void record(RecordedRequest request);
  // Requests with seq > `after`, oldest first, at most `limit`.
  [[nodiscard]] nlohmann::json since(std::uint64_t after, std::size_t limit) const;
  void clear();
  [[nodiscard]] std::uint64_t lastSeq() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<RecordedRequest> entries_;
  std::uint64_t next_seq_ = 1;
};

}  // namespace aihunt::emulator
