#pragma once
// The emulator's own endpoints under /admin (admin token only): the request log, fault
// scripts, event injection, the clock, and counters.
#include <functional>

#include <nlohmann/json.hpp>

#include "emulator/emulator_clock.h"
#include "emulator/event_intake.h"
#include "emulator/event_store.h"
#include "emulator/fault_injector.h"
#include "emulator/offense_store.h"
#include "emulator/request_log.h"
#include "emulator/router.h"
#include "emulator/search_store.h"

namespace aihunt::emulator {

struct AdminDeps {
  RequestLog& requests;
  FaultInjector& faults;
  EventIntake& intake;
  EventStore& events;
  EmulatorClock& clock;
  SearchStore& searches;
  OffenseStore& offenses;
  // The listeners' connection counters, for GET /admin/status.
  std::function<nlohmann::json()> connections;
};

void registerAdminRoutes(Router& router, AdminDeps deps);

}  // namespace aihunt::emulator
