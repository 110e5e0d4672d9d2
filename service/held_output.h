#pragma once
// A run's output, held until the run ends: a run that fails must print nothing that could pass
// for a clean result, and a pipeline reading stdout cannot take back what it has read. Memory
// stays small whatever the run finds: past one buffer, the held bytes go to an unlinked file in
// the spool folder ($TMPDIR or /tmp), and a run whose output passes `max_bytes` fails (the
// caller reports it; exit 4) instead of filling the disk.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace aihunt::service {

struct HoldOptions {
  bool hold = true;  // false: bytes go straight to the output (benchmarks, streaming tools)
  std::uint64_t max_bytes = std::uint64_t{1} << 30;  // 1 GiB; 0: no limit
  std::string spool_dir = "/tmp";
};

// The error of a run whose output passed `max_bytes` (kLimitExceeded with this text): the run's
// size, like a row cap (exit 4), not an input error.
bool isOutputLimit(const core::Error& error);
// That error: "the run's findings passed <max_bytes> bytes <what>; narrow the window ...".
core::Error outputLimitError(std::uint64_t max_bytes, std::string_view what);

class HeldOutput {
 public:
  HeldOutput(std::FILE* out, HoldOptions options);
  ~HeldOutput();
  HeldOutput(const HeldOutput&) = delete;
  HeldOutput& operator=(const HeldOutput&) = delete;

  // Adds to what is held (or, not holding, writes it out).
  [[nodiscard]] core::Status append(std::string_view bytes);
  // Writes `bytes` to the output now, ahead of what is held (a document's opening).
  [[nodiscard]] core::Status direct(std::string_view bytes);
  // Everything held, in order, to the output; then flushes it.
  [[nodiscard]] core::Status release();
  // Drops what is held: nothing of it reaches the output.
  void discard();
  [[nodiscard]] std::uint64_t heldBytes() const { return held_bytes_; }
  // Why holding failed (past max_bytes, a spool folder without room), if it did: what is held is
  // then incomplete and must not be released, and every later append() fails the same way.
  [[nodiscard]] const std::optional<core::Error>& failure() const { return failure_; }

 private:
  [[nodiscard]] core::Status spill();
  [[nodiscard]] core::Status copySpool();  // the spool file's bytes to the output
  std::FILE* out_;
  HoldOptions options_;
  std::string memory_;
  std::FILE* spool_ = nullptr;
  std::uint64_t held_bytes_ = 0;
  std::optional<core::Error> failure_;
};

}  // namespace aihunt::service
