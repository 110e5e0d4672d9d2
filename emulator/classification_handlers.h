#pragma once
// The API an administrator uses to set up a custom event source: /api/data_classification
// (qid_records, dsm_event_mappings) and /api/config/event_sources/log_source_management
// (log_source_types, log_sources). POST creates from a JSON body (201), GET lists with filter,
// sort, Range and fields, GET /{id} reads one (404/1002; a non-numeric id 422/1005). All need
// the Admin capability (unconfirmed: IBM's reference pages do not name one).
#include "emulator/classification_store.h"
#include "emulator/router.h"

namespace aihunt::emulator {

class ClassificationHandlers {
 public:
  explicit ClassificationHandlers(ClassificationStore& store) : store_(store) {}
  void registerRoutes(Router& router);

 private:
  ClassificationStore& store_;
};

}  // namespace aihunt::emulator
