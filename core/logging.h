#pragma once
// Logging on spdlog. Every line passes through a Redactor before it is written, whatever its
// level or sink, so a token can only reach a log by being unknown to the redactor *and* not
// shaped like a credential.
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>

#include "core/result.h"

namespace aihunt::core {

class Redactor {
 public:
  // Registers an exact secret (the QRadar token, a Basic password). Short values are ignored:
  // redacting "a" everywhere would mangle logs and protect nothing.
  void addSecret(std::string secret);
  [[nodiscard]] std::string redact(std::string_view text) const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> secrets_;
};

enum class LogFormat { kText, kJson };

struct LogOptions {
  spdlog::level::level_enum level = spdlog::level::info;
  LogFormat format = LogFormat::kText;
  std::FILE* stream = stderr;  // where lines go; tests pass a temporary file
};

Result<spdlog::level::level_enum> parseLogLevel(std::string_view name);
Result<LogFormat> parseLogFormat(std::string_view name);

// A logger whose single sink redacts, then writes text ("2026-11-26T17:03:08.123Z WARN msg")
// or one JSON object per line ({"ts":...,"level":...,"logger":...,"msg":...}).
std::shared_ptr<spdlog::logger> makeLogger(std::string name, const LogOptions& options,
                                           std::shared_ptr<const Redactor> redactor);

// Lines drawn on the log's stream below the log (a progress display) and redrawn in place: a
// log line written while they show would be glued to their last line. The logger's sink
// clears them before each line and draws them again after it, under its own lock; clear() and
// draw() must not log.
class LiveArea {
 public:
  virtual ~LiveArea() = default;
  virtual void clear() = 0;
  virtual void draw() = 0;
};

// Makes `logger` (one from makeLogger) keep `area` clear of its lines; null detaches. The area
// must outlive its attachment.
void attachLiveArea(spdlog::logger& logger, LiveArea* area);

// A security warning (certificate verification off, a token file others can read, the token in
// clear text over plain http): written at warn level through the logger's sinks (so redacted,
// in the log format) whatever the logger's level, even "error" or "off". Every such warning
// goes through here, so none can be silenced by a log level.
void securityWarning(spdlog::logger& logger, std::string_view message);

// A logger that drops everything: for library code under test that needs one.
std::shared_ptr<spdlog::logger> makeNullLogger();

}  // namespace aihunt::core
