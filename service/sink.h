#pragma once
// A destination that drains the outbox: the JSONL file today, QRadar's reference sets, LEEF over
// syslog and offense notes next. Delivery is at least once and idempotent by finding id: before
// a batch touches the destination the outbox records the sink's mark (e.g. the file's size), and
// a restart that finds a mark rolls the destination back to it and delivers the batch again.
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "state/state_store.h"

namespace aihunt::service {

// Every sink's name (Sink::name()), which is also its outbox rows' key and its outputs: key.
inline constexpr std::array<std::string_view, 4> kSinkNames = {"jsonl", "leef", "reference_sets",
                                                               "offense_notes"};

class Sink {
 public:
  virtual ~Sink() = default;
  [[nodiscard]] virtual const std::string& name() const = 0;
  // Where the destination stands before a batch (target and offset; the outbox fills the rows).
  [[nodiscard]] virtual core::Result<state::SinkProgress> mark() = 0;
  // Puts the destination back to `progress`: a batch was half-delivered when the process died.
  [[nodiscard]] virtual core::Status rollback(const state::SinkProgress& progress) = 0;
  // What rollback(progress) does, for the operator's log: "truncating findings.jsonl back to
  // 1024 bytes", or why nothing needs undoing.
  [[nodiscard]] virtual std::string rollbackDetail(const state::SinkProgress& progress) const = 0;
  // Delivers the rows, durably, in order; all or an error.
  [[nodiscard]] virtual core::Status deliver(const std::vector<state::OutboxRow>& rows) = 0;
  // What became of the findings this sink has delivered, where "delivered" alone would mislead
  // (offense notes: a finding is delivered when it was noted, and also when its source had no
  // offense to note). Empty: nothing to add.
  [[nodiscard]] virtual std::string deliveredDetail() const { return {}; }
  // The sink whose deliveries this one must come after in each drain pass (offense notes follow
  // LEEF: the offenses they annotate are made from LEEF's events). Sinks deliver side by side,
  // each in its own lane, so that a slow or failing destination holds up no other; a sink that
  // follows another comes after it in its lane. Empty: a lane of its own.
  [[nodiscard]] virtual std::string_view follows() const { return {}; }
  // How long after the sink it follows has delivered a finding this one may deliver it (offense
  // notes: QRadar's rule needs time to make the offense from the LEEF event). Rows wait in the
  // outbox until then, across restarts (StateStore::release()); zero: at once.
  [[nodiscard]] virtual std::chrono::milliseconds waitAfterLeader() const { return {}; }

  // Rows of the batch deliver() has just delivered that the sink could not deliver yet and will
  // try again (offense notes whose offense QRadar does not show yet), and why; asked once after
  // each deliver() that succeeded. They stay in the outbox, due again retryAfter() later. Only
  // for a sink that waits after a leader (waitAfterLeader() > 0): only its rows have due times.
  struct Retries {
    std::vector<std::int64_t> rows;  // outbox ids
    std::string why;
  };
  [[nodiscard]] virtual Retries takeRetries() { return {}; }
  // Rows of a batch whose deliver() has just failed that got through before the failure, asked
  // once after each failed deliver(): the outbox removes them, and delivers only the rest again.
  // For a sink whose rollback() cannot undo what got through and whose redelivery is idempotent
  // only for the same rows (offense notes: a note summarises a batch's part of a window, and a
  // batch read again may hold other rows). Empty: the whole batch is delivered again.
  [[nodiscard]] virtual std::vector<std::int64_t> takeDeliveredOfFailed() { return {}; }
  [[nodiscard]] virtual std::chrono::milliseconds retryAfter() const { return {}; }
  // Whether the sink sends with the QRadar token (reference sets, offense notes): while the
  // console refuses it, such a sink waits as the hunts do (Outbox::holdConsole), since each
  // refused request counts as a failed login and QRadar locks a host out after a few.
  [[nodiscard]] virtual bool usesConsoleToken() const { return false; }
};

}  // namespace aihunt::service
