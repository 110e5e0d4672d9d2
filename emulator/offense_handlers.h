#pragma once
// /api/siem: offenses (list with Range, filter, sort and fields; get; update status; notes) and
// closing reasons. There is no create endpoint: POST /api/siem/offenses answers 405.
#include "emulator/emulator_clock.h"
#include "emulator/offense_store.h"
#include "emulator/router.h"

namespace aihunt::emulator {

class OffenseHandlers {
 public:
  // `documented_filters`: the offense list's filter may name only the fields IBM's reference
  // marks Filterable (--offense-filters documented); otherwise any field, as public clients use
  // it.
  OffenseHandlers(OffenseStore& store, const EmulatorClock& clock, bool documented_filters = false)
      : store_(store), clock_(clock), documented_filters_(documented_filters) {}
  void registerRoutes(Router& router);

  HttpResponse list(const HttpRequest& request);
  HttpResponse getOne(const HttpRequest& request, const std::string& id);
  HttpResponse listNotes(const HttpRequest& request, const std::string& id);
  HttpResponse update(const HttpRequest& request, const std::string& id);

 private:
  OffenseStore& store_;
  const EmulatorClock& clock_;
  bool documented_filters_;
};

nlohmann::json offenseJson(const Offense& offense);

}  // namespace aihunt::emulator
