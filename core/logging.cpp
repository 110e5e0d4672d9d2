#include "core/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/null_sink.h>

#include <chrono>

#include "core/display_text.h"
#include "core/json_log_line.h"
#include "core/json_text.h"
#include "core/secret_scan.h"
#include "core/text.h"
#include "core/time.h"

namespace aihunt::core {
namespace {

constexpr std::size_t kMinSecretLength = 6;

class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  RedactingSink(LogOptions options, std::shared_ptr<const Redactor> redactor)
      : options_(options), redactor_(std::move(redactor)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string text =
        redactor_->redact(std::string_view(msg.payload.data(), msg.payload.size()));
    const std::string when = formatIso8601(toEpochMs(msg.time));
    const auto level_name = spdlog::level::to_string_view(msg.level);
    std::string line;
    if (options_.format == LogFormat::kJson) {
      // The message as the text log shows it, then escaped: `jq -r .msg` writes it to a
      // terminal, and an escape sequence in a file name must not act there (a trial).
      std::string shown;
      appendDisplayText(shown, text);
      line = jsonLogLine(when, std::string_view(level_name.data(), level_name.size()),
                         std::string_view(msg.logger_name.data(), msg.logger_name.size()), shown);
    } else {
      // One record, one line, and nothing a terminal would act on: a newline or an escape
      // sequence inside a message (server text) must not forge a record or rewrite the screen.
      line = when + " " + std::string(level_name.data(), level_name.size()) + " ";
      appendDisplayText(line, text);
      line.push_back('\n');
    }
    if (area_ != nullptr) area_->clear();
    std::fwrite(line.data(), 1, line.size(), options_.stream);
    if (area_ != nullptr) {
      std::fflush(options_.stream);
      area_->draw();
    }
  }
  void flush_() override { std::fflush(options_.stream); }

 public:
  void attach(LiveArea* area) {
    const std::lock_guard lock(mutex_);
    area_ = area;
  }

 private:
  LogOptions options_;
  std::shared_ptr<const Redactor> redactor_;
  LiveArea* area_ = nullptr;  // under base_sink's mutex_
};

}  // namespace

void attachLiveArea(spdlog::logger& logger, LiveArea* area) {
  for (const auto& sink : logger.sinks()) {
    if (auto* ours = dynamic_cast<RedactingSink*>(sink.get()); ours != nullptr) ours->attach(area);
  }
}

void Redactor::addSecret(std::string secret) {
  if (secret.size() < kMinSecretLength) return;
  std::lock_guard lock(mutex_);
  secrets_.push_back(std::move(secret));
}

std::string Redactor::redact(std::string_view text) const {
  std::string out(text);
  {
    std::lock_guard lock(mutex_);
    for (const auto& secret : secrets_) {
      std::size_t at = 0;
      while ((at = out.find(secret, at)) != std::string::npos) {
        out.replace(at, secret.size(), "[REDACTED]");
        at += 10;
      }
    }
  }
  return redactSecretShapes(out);
}

Result<spdlog::level::level_enum> parseLogLevel(std::string_view name) {
  const std::string lowered = asciiLowered(name);
  if (lowered == "trace") return spdlog::level::trace;
  if (lowered == "debug") return spdlog::level::debug;
  if (lowered == "info") return spdlog::level::info;
  if (lowered == "warn" || lowered == "warning") return spdlog::level::warn;
  if (lowered == "error") return spdlog::level::err;
  if (lowered == "off") return spdlog::level::off;
  return makeError(ErrorCode::kInvalidArgument, "'" + printableExcerpt(name) +
                                                    "' is not a log level (trace, debug, info, "
                                                    "warn, error, off)");
}

Result<LogFormat> parseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return makeError(ErrorCode::kInvalidArgument,
                   "'" + printableExcerpt(name) + "' is not a log format (text, json)");
}

std::shared_ptr<spdlog::logger> makeLogger(std::string name, const LogOptions& options,
                                           std::shared_ptr<const Redactor> redactor) {
  auto sink = std::make_shared<RedactingSink>(options, std::move(redactor));
  auto logger = std::make_shared<spdlog::logger>(std::move(name), std::move(sink));
  logger->set_level(options.level);
  logger->flush_on(spdlog::level::warn);
  return logger;
}

void securityWarning(spdlog::logger& logger, std::string_view message) {
  if (logger.should_log(spdlog::level::warn)) {
    logger.warn("{}", message);
    return;
  }
  // Below the logger's level: straight to its sinks, which do not filter by level themselves.
  const spdlog::details::log_msg record(spdlog::string_view_t(logger.name()), spdlog::level::warn,
                                        spdlog::string_view_t(message.data(), message.size()));
  for (const auto& sink : logger.sinks()) {
    sink->log(record);
    sink->flush();
  }
}

std::shared_ptr<spdlog::logger> makeNullLogger() {
  return std::make_shared<spdlog::logger>("null", std::make_shared<spdlog::sinks::null_sink_mt>());
}

}  // namespace aihunt::core
