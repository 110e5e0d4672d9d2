#pragma once
// Where the searches a run holds on the console are written down while they exist, so that a
// process killed before it could clean up (SIGKILL, the OOM killer, a node lost) deletes them when
// it starts again. An abandoned search keeps running on the console and its results stay until
// Ariel's retention removes them. Written when the create has answered: a kill between the answer
// and the write leaves that one search unrecorded. Cleared once the delete succeeded or the search
// was found gone.
#include <string>

#include "core/result.h"

namespace aihunt::qradar {

class SearchJournal {
 public:
  virtual ~SearchJournal() = default;
  // The run now holds `search_id` on the console.
  [[nodiscard]] virtual core::Status held(const std::string& search_id) = 0;
  // `search_id` is gone from the console (deleted by this run, or vanished).
  [[nodiscard]] virtual core::Status released(const std::string& search_id) = 0;
};

}  // namespace aihunt::qradar
