#pragma once
// /api/ariel: searches (create, list, status with Prefer: wait, cancel, save_results, delete,
// results with Range paging) and the database catalog.
#include <functional>

#include "emulator/event_store.h"
#include "emulator/router.h"
#include "emulator/search_runner.h"
#include "emulator/search_store.h"

namespace aihunt::emulator {

struct ArielSettings {
  bool content_range_without_range = false;
  std::int64_t max_prefer_wait_seconds = 60;
};

class ArielHandlers {
 public:
  using FaultSource = std::function<SearchFault()>;
  ArielHandlers(SearchStore& searches, SearchRunner& runner, const EventStore& events,
                FaultSource next_fault, ArielSettings settings);
  void registerRoutes(Router& router);

  HttpResponse create(const HttpRequest& request);
  HttpResponse list(const HttpRequest& request);
  HttpResponse status(const HttpRequest& request, const std::string& id);
  HttpResponse update(const HttpRequest& request, const std::string& id);
  HttpResponse remove(const std::string& id);
  HttpResponse results(const HttpRequest& request, const std::string& id);
  HttpResponse databases();
  HttpResponse database(const std::string& name);

 private:
  SearchStore& searches_;
  SearchRunner& runner_;
  const EventStore& events_;
  FaultSource next_fault_;
  ArielSettings settings_;
};

ApiError searchNotFound(const std::string& id);
// QRadar's answer to a malformed Range header (mentions items=x-y).
ApiError badRange();

}  // namespace aihunt::emulator
