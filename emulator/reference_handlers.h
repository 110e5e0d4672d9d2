#pragma once
// /api/reference_data (legacy sets, maps of sets, delete tasks) and
// /api/reference_data_collections (v26 sets, set_entries PATCH, bulk update tasks).
#include "emulator/reference_data_store.h"
#include "emulator/router.h"

namespace aihunt::emulator {

class ReferenceHandlers {
 public:
  explicit ReferenceHandlers(ReferenceDataStore& store) : store_(store) {}
  void registerRoutes(Router& router);

 private:
  HttpResponse createSet(const HttpRequest& request);
  HttpResponse getSet(const HttpRequest& request, const std::string& name);
  HttpResponse bulkLoad(const HttpRequest& request, const std::string& name);
  HttpResponse createMapOfSets(const HttpRequest& request);
  HttpResponse bulkLoadMapOfSets(const HttpRequest& request, const std::string& name);
  HttpResponse createCollection(const HttpRequest& request);
  HttpResponse collectionList(const HttpRequest& request);
  HttpResponse collectionEntries(const HttpRequest& request);
  HttpResponse patchEntries(const HttpRequest& request);

  ReferenceDataStore& store_;
};

}  // namespace aihunt::emulator
