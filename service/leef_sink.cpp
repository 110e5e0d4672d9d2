#include "service/leef_sink.h"

#include <unistd.h>

#include <climits>

#include "core/text.h"

namespace aihunt::service {

LeefSink::LeefSink(LeefSinkOptions options, std::shared_ptr<spdlog::logger> logger,
                   std::unique_ptr<core::Clock> clock)
    : target_(options.syslog.host + ":" + std::to_string(options.syslog.port)),
      encoder_(std::move(options.encoder)),
      sender_(std::move(options.syslog)),
      logger_(std::move(logger)),
      clock_(std::move(clock)) {}

core::Result<state::SinkProgress> LeefSink::mark() {
  // Nothing to measure on a stream: the mark only names the destination.
  state::SinkProgress progress;
  progress.sink = name_;
  progress.target = target_;
  progress.offset = 0;
  return progress;
}

std::string LeefSink::rollbackDetail(const state::SinkProgress& /*progress*/) const {
  return "events already sent to " + target_ + " cannot be unsent (QRadar may receive some twice)";
}

core::Status LeefSink::rollback(const state::SinkProgress& /*progress*/) {
  // What was sent cannot be unsent; the batch is sent again (at least once, see the header).
  return {};
}

core::Status LeefSink::deliver(const std::vector<state::OutboxRow>& rows) {
  const core::EpochMs now = core::toEpochMs(clock_->now());
  std::vector<std::string> lines;
  lines.reserve(rows.size());
  for (const auto& row : rows) {
    auto line = qradar::encodeFindingAsLeef(row.payload, encoder_, now);
    if (!line) {
      logger_->error("sink 'leef': finding {} (outbox row {}) cannot be sent and is skipped: {}",
                     core::printableExcerpt(row.finding_id), row.id, line.error().message);
      continue;
    }
    lines.push_back(std::move(*line));
  }
  return sender_.send(lines);
}

std::string machineHostName() {
  char buffer[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "aihunt";
  std::string name(buffer);
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) c = '-';
  }
  return name;
}

}  // namespace aihunt::service
