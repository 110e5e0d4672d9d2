#pragma once
// Findings appended to a JSON Lines file, one finding a line, fsync'd per batch, rotated by size
// (path -> path.1 -> path.2 ..., `keep` files kept). Never a torn line and never a finding twice,
// even across kill -9: the outbox's mark is the file's size before a batch, and rollback
// truncates the file back to it.
#include <cstdint>
#include <string>
#include <vector>

#include "service/sink.h"

namespace aihunt::service {

struct JsonlSinkOptions {
  std::string path;
  std::int64_t max_bytes = 100LL * 1024 * 1024;  // rotate once the file reaches this
  int keep = 5;                                  // rotated files kept
};

class JsonlSink final : public Sink {
 public:
  explicit JsonlSink(JsonlSinkOptions options);
  ~JsonlSink() override;
  JsonlSink(const JsonlSink&) = delete;
  JsonlSink& operator=(const JsonlSink&) = delete;

  [[nodiscard]] const std::string& name() const override { return name_; }
  [[nodiscard]] core::Result<state::SinkProgress> mark() override;
  [[nodiscard]] core::Status rollback(const state::SinkProgress& progress) override;
  [[nodiscard]] std::string rollbackDetail(const state::SinkProgress& progress) const override;
  [[nodiscard]] core::Status deliver(const std::vector<state::OutboxRow>& rows) override;

 private:
  [[nodiscard]] core::Status openFile();
  [[nodiscard]] core::Status rotate();
  void closeFile();

  std::string name_ = "jsonl";
  JsonlSinkOptions options_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace aihunt::service
