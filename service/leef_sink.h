#pragma once
// Findings sent to QRadar as LEEF 2.0 events over syslog (TCP or TLS), one event per finding and
// one line per event (qradar_client/leef_encoder.h, qradar_client/syslog_sender.h). QRadar's
// custom log source type maps each EventID to a QID, and a custom rule turns the events into
// offenses (docs/qradar-setup.md).
//
// Delivery is at least once. A stream cannot be rolled back: mark() records only where the
// events go, and rollback() has nothing to undo. A batch counts as sent only when every byte was
// written and the receiver's TCP acknowledged it (qradar_client/syslog_sender.h); otherwise it is
// reported as failed, and the outbox keeps the batch's rows and sends the batch again. So a
// finding can reach QRadar twice in two cases: a connection that breaks in the middle of a batch
// (the events the receiver took before the break are sent again: at most that batch), and a
// crash between the write and the outbox's commit (the batch is sent again after the restart).
// The limit of syslog over TCP: events the receiver's TCP acknowledged but its process never
// read (it crashed right then) are lost unseen. An idle connection that the receiver has closed
// is noticed before a batch and replaced, so a batch is not written into it. QRadar's events
// carry `findingId`, by which duplicates can be told apart.
//
// A row whose payload is not a finding (not a JSON object) cannot be encoded; it is logged and
// skipped rather than blocking every later finding (the JSONL file and the state store keep it).
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "core/clock.h"
#include "qradar_client/leef_encoder.h"
#include "qradar_client/syslog_sender.h"
#include "service/sink.h"

namespace aihunt::service {

struct LeefSinkOptions {
  qradar::SyslogSenderOptions syslog;
  qradar::LeefEncoderOptions encoder;
};

class LeefSink final : public Sink {
 public:
  LeefSink(LeefSinkOptions options, std::shared_ptr<spdlog::logger> logger,
           std::unique_ptr<core::Clock> clock = std::make_unique<core::SystemClock>());

  [[nodiscard]] const std::string& name() const override { return name_; }
  [[nodiscard]] core::Result<state::SinkProgress> mark() override;
  [[nodiscard]] core::Status rollback(const state::SinkProgress& progress) override;
  [[nodiscard]] std::string rollbackDetail(const state::SinkProgress& progress) const override;
  [[nodiscard]] core::Status deliver(const std::vector<state::OutboxRow>& rows) override;

 private:
  std::string name_ = "leef";
  std::string target_;  // host:port, for the mark and messages
  qradar::LeefEncoderOptions encoder_;
  qradar::SyslogSender sender_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<core::Clock> clock_;
};

// This machine's host name as an RFC 5424 HOSTNAME (characters outside [A-Za-z0-9._-] become
// '-'), or "aihunt" when it has none: the default for outputs.leef.hostname.
std::string machineHostName();

}  // namespace aihunt::service
