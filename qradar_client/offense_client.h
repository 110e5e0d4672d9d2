#pragma once
// Offenses: list (filter, Range-paged) and notes. The REST API cannot create offenses; they come
// from rules firing on the events aihunt sends as LEEF.
//
// Notes (IBM's API reference, e.g. 14.0): GET /siem/offenses/{offense_id}/notes takes Range,
// filter and fields and answers an array of {id, create_time, username, note_text}; POST
// /siem/offenses/{offense_id}/notes takes the text as the required query parameter note_text
// and answers 201 with the note; an unknown offense is 404 (code 1002).
//   https://ibmsecuritydocs.github.io/qradar_api_14.0/14.0--siem-offenses-offense_id-notes-GET.html
//   https://ibmsecuritydocs.github.io/qradar_api_14.0/14.0--siem-offenses-offense_id-notes-POST.html
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "qradar_client/api_client.h"

namespace aihunt::qradar {

struct OffenseSummary {
  std::int64_t id = 0;
  std::string description;
  std::string offense_source;
  std::string status;
  int magnitude = 0;
  std::int64_t start_time = 0;
  // The ids of the rules that contributed to it (its `rules`, each {id, type}: IBM's GET
  // /siem/offenses reference; read by Cortex XSOAR's QRadar integration the same way), each
  // once, at most kMaxRulesPerOffense (server data: a hostile list stays small).
  std::vector<std::int64_t> rule_ids;
};

inline constexpr std::size_t kMaxRulesPerOffense = 64;

struct OffenseNote {
  std::int64_t id = 0;
  std::string note_text;
};

class OffenseClient {
 public:
  explicit OffenseClient(ApiClient& api) : api_(api) {}

  // Up to `limit` offenses; `filter` is QRadar's filter syntax and `sort` its sort syntax
  // ("-last_updated_time"), both encoded here, either may be empty. A 422 answer (the console
  // cannot use a parameter, such as a filter on a field it does not filter on) is
  // kInvalidArgument, apart from the other refusals (kRemote).
  [[nodiscard]] core::Result<std::vector<OffenseSummary>> list(const std::string& filter,
                                                               std::uint64_t limit,
                                                               const std::string& sort = {});
  [[nodiscard]] core::Status addNote(std::int64_t offense_id, const std::string& text);
  // The offense's notes, oldest first as the console lists them, read in Range pages of
  // `page_size`, at most `limit` of them (a longer list is cut there, not an error).
  [[nodiscard]] core::Result<std::vector<OffenseNote>> listNotes(std::int64_t offense_id,
                                                                 std::size_t limit,
                                                                 std::size_t page_size = 100);

 private:
  ApiClient& api_;
};

}  // namespace aihunt::qradar
