#pragma once
// Findings' values added to QRadar reference sets (outputs.reference_sets): each configured set
// collects one finding field (source_ip into an IP set; username, host, domain or process_name
// into an ALNIC set) from the findings at or above its minimum severity, so that correlation
// rules can ask REFERENCESETCONTAINS('AIHunt AI API Sources', sourceip).
//
// A batch's values are grouped per set (deduplicated; empty values, values the set's element
// type refuses, and suppressed findings skipped), a missing set is created once with its TTL and
// element type, and each set's values go in one bulk request: the legacy bulk_load below API
// 26.0, the collections PATCH of set_entries from 26.0 on, whose task is polled until COMPLETED
// (any other final state is an error with the task's error_code and error_message).
//
// Adding a value that is already there only refreshes its last_seen, so delivering a batch again
// is harmless: mark() records only where the values go and rollback() has nothing to undo. An
// error leaves the batch's rows in the outbox, which retries with backoff; the next attempt opens
// a new connection and looks the sets up again.
#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "config/config.h"
#include "core/metrics.h"
#include "core/result.h"
#include "qradar_client/reference_data_client.h"
#include "service/qradar_connection.h"
#include "service/sink.h"

namespace aihunt::service {

struct ReferenceSetSinkOptions {
  std::vector<config::ReferenceSetTarget> sets;
  std::string source = "aihunt";       // each entry's source (collections API)
  qradar::ReferenceOptions reference;  // bulk update task polling
  // When set: aihunt_reference_set_values_total{set,result}, result "added" (sent in a bulk
  // request that succeeded, a value already in the set included) or "invalid" (refused by the
  // set's element type and skipped).
  core::Metrics* metrics = nullptr;
};

// Opens a connection to the console (the token resolved, the API version settled).
using QRadarConnector = std::function<core::Result<std::unique_ptr<QRadarConnection>>()>;

// One set's values from a batch.
struct ReferenceSetValues {
  const config::ReferenceSetTarget* set = nullptr;
  std::vector<std::string> values;  // deduplicated (case-insensitively for ALNIC), batch order
  std::size_t invalid = 0;          // values the element type refuses (not an IP address ...)
};

struct GroupedValues {
  std::vector<ReferenceSetValues> sets;  // one per configured set, in config order
  std::size_t unreadable = 0;            // rows whose payload is not a finding object
  // Findings that go to no set: suppressed, below every set's min_severity, or without a value
  // for any set that would take them.
  std::size_t in_no_set = 0;
};

// What a batch adds to each set. Pure.
GroupedValues groupReferenceSetValues(const std::vector<config::ReferenceSetTarget>& sets,
                                      const std::vector<state::OutboxRow>& rows);

// True when `value` fits a set of `element_type` ("IP": an IPv4 or IPv6 literal; "ALN"/"ALNIC":
// printable text without control characters, at most 255 bytes).
bool isReferenceSetValue(std::string_view element_type, std::string_view value);

class ReferenceSetSink final : public Sink {
 public:
  ReferenceSetSink(ReferenceSetSinkOptions options, QRadarConnector connect,
                   std::shared_ptr<spdlog::logger> logger);

  [[nodiscard]] const std::string& name() const override { return name_; }
  [[nodiscard]] core::Result<state::SinkProgress> mark() override;
  [[nodiscard]] core::Status rollback(const state::SinkProgress& progress) override;
  [[nodiscard]] std::string rollbackDetail(const state::SinkProgress& progress) const override;
  [[nodiscard]] core::Status deliver(const std::vector<state::OutboxRow>& rows) override;
  [[nodiscard]] bool usesConsoleToken() const override { return true; }
  // "3 in no set: suppressed, below each set's min_severity, or with no value a set takes", or
  // "": a
  // finding delivered here is one the sink has handled, which is not always a value added.
  [[nodiscard]] std::string deliveredDetail() const override;

 private:
  // Finds the set and checks its element type, or creates it.
  [[nodiscard]] core::Status ensureSet(qradar::ReferenceDataClient& client,
                                       const config::ReferenceSetTarget& set);
  [[nodiscard]] core::Status deliverGroups(const GroupedValues& grouped);

  std::string name_ = "reference_sets";
  ReferenceSetSinkOptions options_;
  QRadarConnector connect_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<QRadarConnection> connection_;
  std::set<std::string> ready_;  // sets found or created on this connection
  std::size_t in_no_set_ = 0;    // of the findings of delivered batches
};

}  // namespace aihunt::service
