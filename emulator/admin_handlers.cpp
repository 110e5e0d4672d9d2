#include "emulator/admin_handlers.h"

#include <charconv>
#include <sstream>

#include "core/text.h"
#include "core/time.h"

namespace aihunt::emulator {
namespace {

using nlohmann::json;

std::uint64_t unsignedParam(const HttpRequest& request, const std::string& name,
                            std::uint64_t fallback) {
  const std::string* text = request.param(name);
  if (text == nullptr) return fallback;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  return ec == std::errc() && end == text->data() + text->size() ? value : fallback;
}

HttpResponse dumpJson(int status, const json& body) {
  return jsonResponse(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace

void registerAdminRoutes(Router& router, AdminDeps d) {
  const Capability none = Capability::kNone;
  router.add("GET", "/admin/requests", none, [d](const HttpRequest& r, const RouteParams&) {
    const std::uint64_t since = unsignedParam(r, "since", 0);
    const std::uint64_t limit = unsignedParam(r, "limit", 10'000);
    return dumpJson(200, json{{"last_seq", d.requests.lastSeq()},
                              {"requests", d.requests.since(since, limit)}});
  });
  router.add("DELETE", "/admin/requests", none, [d](const HttpRequest&, const RouteParams&) {
    d.requests.clear();
    return dumpJson(200, json{{"cleared", true}});
  });
  router.add("GET", "/admin/faults", none, [d](const HttpRequest&, const RouteParams&) {
    return dumpJson(200, faultsJson(d.faults.rules()));
  });
  router.add("POST", "/admin/faults", none, [d](const HttpRequest& r, const RouteParams&) {
    auto rules = parseFaults(r.body);
    if (!rules.ok()) return errorResponse(invalidParameter(rules.error().message));
    d.faults.add(std::move(*rules));
    return dumpJson(200, faultsJson(d.faults.rules()));
  });
  router.add("DELETE", "/admin/faults", none, [d](const HttpRequest&, const RouteParams&) {
    d.faults.clear();
    return dumpJson(200, json::array());
  });
  router.add("POST", "/admin/events", none, [d](const HttpRequest& r, const RouteParams&) {
    std::istringstream lines(r.body);
    std::string line;
    std::size_t added = 0;
    std::size_t number = 0;
    while (std::getline(lines, line)) {
      ++number;
      if (core::trim(line).empty()) continue;
      auto status = d.intake.onJsonEvent(line);
      if (!status.ok() && status.error().code == core::ErrorCode::kLimitExceeded) {
        return errorResponse(ApiError{
            507, kCodeServerError, "line " + std::to_string(number) + ": " + status.error().message,
            "", json{{"added", added}}});
      }
      if (!status.ok()) {
        return errorResponse(ApiError{
            422, kCodeBadJson, "line " + std::to_string(number) + ": " + status.error().message, "",
            json{{"added", added}}});
      }
      ++added;
    }
    return dumpJson(200, json{{"added", added}, {"total", d.events.size()}});
  });
  router.add("POST", "/admin/syslog", none, [d](const HttpRequest& r, const RouteParams&) {
    // The same path as a syslog listener, for clients without a socket: one frame per line.
    std::istringstream lines(r.body);
    std::string line;
    std::size_t frames = 0;
    while (std::getline(lines, line)) {
      if (core::trim(line).empty()) continue;
      d.intake.onSyslogFrame(line, r.remote);
      ++frames;
    }
    return dumpJson(200, json{{"frames", frames}});
  });
  router.add("GET", "/admin/clock", none, [d](const HttpRequest&, const RouteParams&) {
    return dumpJson(200, json{{"now", d.clock.nowMs()},
                              {"now_iso", core::formatIso8601(d.clock.nowMs())},
                              {"fixed", d.clock.fixed()}});
  });
  router.add("POST", "/admin/clock", none, [d](const HttpRequest& r, const RouteParams&) {
    if (const std::string* now = r.param("now")) {
      auto parsed = core::parseTimestamp(*now);
      if (!parsed.ok()) return errorResponse(invalidParameter(parsed.error().message));
      d.clock.set(*parsed);
    }
    if (const std::string* advance = r.param("advance")) {
      auto parsed = core::parseDuration(*advance);
      if (!parsed.ok()) return errorResponse(invalidParameter(parsed.error().message));
      d.clock.advance(parsed->count());
    }
    if (r.param("now") != nullptr || r.param("advance") != nullptr) d.searches.clockMoved();
    return dumpJson(200, json{{"now", d.clock.nowMs()},
                              {"now_iso", core::formatIso8601(d.clock.nowMs())},
                              {"fixed", d.clock.fixed()}});
  });
  router.add("GET", "/admin/status", none, [d](const HttpRequest&, const RouteParams&) {
    const IntakeCounters& c = d.intake.counters();
    const auto [offenses, offenses_hidden] = d.offenses.counts();
    return dumpJson(200, json{{"events", d.events.size()},
                              {"searches", d.searches.size()},
                              {"peak_active_searches", d.searches.peakActive()},
                              {"offenses", offenses},
                              {"offenses_not_shown_yet", offenses_hidden},
                              {"syslog_frames", c.frames.load()},
                              {"leef_events", c.leef_events.load()},
                              {"leef_errors", c.leef_errors.load()},
                              {"other_events", c.other_events.load()},
                              {"rule_hits", c.rule_hits.load()},
                              {"max_events", d.events.capacity()},
                              {"dropped_store_full", c.dropped_store_full.load()},
                              {"connections", d.connections ? d.connections() : json::object()},
                              {"recorded_requests", d.requests.lastSeq()}});
  });
}

}  // namespace aihunt::emulator
