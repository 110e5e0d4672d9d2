#pragma once
// /api/siem: offenses (list with Range, filter, sort and fields; get; update status; notes) and
// closing reasons. There is no create endpoint: POST /api/siem/offenses answers 405.
#include "emulator/emulator_clock.h"
#include "emulator/offense_store.h"
#include "emulator/router.h"

namespace aihunt::emulator {

class OffenseHandlers {
 public:
  OffenseHandlers(OffenseStore& store, const EmulatorClock& clock) : store_(store), clock_(clock) {}
  void registerRoutes(Router& router);

  HttpResponse list(const HttpRequest& request);
  HttpResponse getOne(const HttpRequest& request, const std::string& id);
  HttpResponse listNotes(const HttpRequest& request, const std::string& id);
  HttpResponse update(const HttpRequest& request, const std::string& id);

 private:
  OffenseStore& store_;
  const EmulatorClock& clock_;
};

nlohmann::json offenseJson(const Offense& offense);

}  // namespace aihunt::emulator
