#pragma once
// Reference sets, through the API the configured version has: the legacy
// /api/reference_data/sets below 26.0, the reference_data_collections API from 26.0 on. The
// collections API takes time_to_live as a number of seconds, answers a duplicate name with
// 409/10006, counts entries in number_of_entries, and applies a PATCH of entries as a bulk
// update task that is polled here until it reaches a final state (COMPLETED, or a failure such
// as CONFLICT, EXCEPTION or INTERRUPTED whose error_code/error_message are reported).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "qradar_client/api_client.h"

namespace aihunt::qradar {

enum class ReferenceApi { kLegacySets, kCollections };

// "26.0" and later: collections; older: legacy sets.
ReferenceApi referenceApiFor(std::string_view api_version);

struct ReferenceSetInfo {
  std::string name;
  std::string element_type;
  std::int64_t id = 0;     // collections only
  std::int64_t count = 0;  // number_of_elements (legacy), number_of_entries (collections)
};

// A collections bulk update task (GET .../set_bulk_update_tasks/{id}) as last read.
struct BulkUpdateTask {
  std::int64_t id = 0;
  std::string status;  // QUEUED, PROCESSING, COMPLETED, CONFLICT, EXCEPTION, INTERRUPTED ...
  std::optional<std::int64_t> error_code;
  std::string error_message;
  int polls = 0;  // status reads it took
};

// A set's values as read (readValues).
struct ReferenceSetRead {
  ReferenceSetInfo info;
  std::vector<std::string> values;
  bool truncated = false;  // the set holds more than the cap; the rest was not read
};

// True for the task states that will not change any more.
bool isFinalTaskStatus(std::string_view status);

struct ReferenceOptions {
  Millis task_poll_delay{250};   // first pause between task reads, doubled up to 2 s
  Millis task_timeout{120'000};  // how long a bulk update may take before it is reported
};

class ReferenceDataClient {
 public:
  explicit ReferenceDataClient(ApiClient& api, ReferenceOptions options = {})
      : api_(api), kind_(referenceApiFor(api.settings().api_version)), options_(options) {}

  [[nodiscard]] ReferenceApi api() const { return kind_; }
  // nullopt when no set has that name.
  [[nodiscard]] core::Result<std::optional<ReferenceSetInfo>> find(const std::string& name);
  // Creates a set of `element_type` (ALN, ALNIC, IP, NUM, PORT, DATE) whose values expire
  // `time_to_live` after they were last seen; an existing one (409) counts as success.
  [[nodiscard]] core::Status create(const std::string& name, Millis time_to_live,
                                    std::string_view element_type = "ALN");
  // Adds values in one request (bulk_load, or PATCH set_entries for collections, then its task
  // polled to a final state; anything but COMPLETED is an error with the task's code/message).
  [[nodiscard]] core::Status addValues(const std::string& name,
                                       const std::vector<std::string>& values,
                                       const std::string& source);
  // Every value of a set, `page_size` per request (Range: items=a-b), at most `max_values`;
  // nullopt when no set has that name. Legacy: GET /reference_data/sets/{name}, values in
  // data[].value. Collections: the set's id by name, then GET set_entries filtered on that
  // collection_id, values in [].value.
  [[nodiscard]] core::Result<std::optional<ReferenceSetRead>> readValues(
      const std::string& name, std::size_t max_values, std::size_t page_size = 1000);
  // A cheap read that needs the reference-data capability.
  [[nodiscard]] core::Status probe();
  // The last bulk update task addValues() waited for (collections only).
  [[nodiscard]] const std::optional<BulkUpdateTask>& lastTask() const { return last_task_; }

 private:
  core::Status waitForTask(std::int64_t task_id);
  // One page of values [first, first + count) into `out`; returns how many items the page had.
  core::Result<std::size_t> readPage(const std::string& path, bool legacy, std::size_t first,
                                     std::size_t count, std::vector<std::string>& out);

  ApiClient& api_;
  ReferenceApi kind_;
  ReferenceOptions options_;
  std::optional<BulkUpdateTask> last_task_;
};

}  // namespace aihunt::qradar
