#include "emulator/offense_handlers.h"

#include <charconv>
#include <set>
#include <string>

#include "core/text.h"
#include "emulator/list_query.h"
#include "emulator/offense_filter.h"
#include "emulator/request_parsing.h"

namespace aihunt::emulator {
namespace {

using nlohmann::json;

json noteJson(const OffenseNote& note) {
  return {{"id", note.id},
          {"create_time", note.create_time},
          {"username", note.username},
          {"note_text", note.note_text}};
}

std::optional<bool> parseBool(const std::string* text) {
  if (text == nullptr) return std::nullopt;
  if (*text == "true") return true;
  if (*text == "false") return false;
  return std::nullopt;
}

}  // namespace

json offenseJson(const Offense& offense) {
  json log_sources = json::array();
  for (const auto& [id, name] : offense.log_sources) {
    log_sources.push_back({{"id", id}, {"name", name}, {"type_id", 4}, {"type_name", "EventCRE"}});
  }
  json rules = json::array();
  for (const std::int64_t id : offense.rules) rules.push_back({{"id", id}, {"type", "CRE_RULE"}});
  return {
      {"id", offense.id},
      {"description", offense.description},
      {"offense_source", offense.offense_source},
      {"offense_type", offense.offense_type},
      {"magnitude", offense.magnitude},
      {"severity", offense.severity},
      {"credibility", offense.credibility},
      {"relevance", offense.relevance},
      {"status", offense.status},
      {"start_time", offense.start_time},
      {"last_updated_time", offense.last_updated_time},
      {"last_persisted_time", offense.last_persisted_time},
      {"first_persisted_time", offense.start_time},
      {"event_count", offense.event_count},
      {"flow_count", 0},
      {"categories", offense.categories},
      {"category_count", offense.categories.size()},
      {"rules", rules},
      {"log_sources", log_sources},
      {"device_count", offense.log_sources.size()},
      {"source_count", offense.source_ips.size()},
      {"local_destination_count", 0},
      {"remote_destination_count", offense.destination_ips.size()},
      {"username_count", offense.usernames.size()},
      {"source_network", "other"},
      {"destination_networks", json::array({"other"})},
      {"assigned_to", offense.assigned_to.empty() ? json(nullptr) : json(offense.assigned_to)},
      {"closing_reason_id",
       offense.closing_reason_id ? json(*offense.closing_reason_id) : json(nullptr)},
      {"close_time", offense.close_time ? json(*offense.close_time) : json(nullptr)},
      {"closing_user", offense.closing_user.empty() ? json(nullptr) : json(offense.closing_user)},
      {"follow_up", offense.follow_up},
      {"protected", offense.is_protected},
      {"inactive", false},
      {"domain_id", 0},
      {"policy_category_count", 0},
      {"security_category_count", offense.categories.size()},
      {"source_address_ids", json::array()},
      {"local_destination_address_ids", json::array()}};
}

void OffenseHandlers::registerRoutes(Router& router) {
  const Capability cap = Capability::kOffenses;
  router.add("GET", "/api/siem/offenses", cap,
             [this](const HttpRequest& r, const RouteParams&) { return list(r); });
  router.add("GET", "/api/siem/offenses/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) { return getOne(r, p[0]); });
  router.add("POST", "/api/siem/offenses/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) { return update(r, p[0]); });
  router.add("GET", "/api/siem/offenses/{}/notes", cap,
             [this](const HttpRequest& r, const RouteParams& p) { return listNotes(r, p[0]); });
  router.add("POST", "/api/siem/offenses/{}/notes", cap,
             [this](const HttpRequest& r, const RouteParams& p) {
               const auto id = parseId(p[0]);
               if (!id) return errorResponse(notFound("The offense does not exist."));
               const std::string* text = r.param("note_text");
               if (text == nullptr || text->empty()) {
                 return errorResponse(invalidParameter(
                     "Missing required parameter \"note_text\" from query parameters"));
               }
               // Notes made through the API name their author so (captured console answers).
               auto note = store_.addNote(*id, *text, "API_user: " + r.user, clock_.nowMs());
               if (auto* error = std::get_if<ApiError>(&note)) return errorResponse(*error);
               auto selected = selectFields(noteJson(std::get<OffenseNote>(note)), r);
               if (auto* error = std::get_if<ApiError>(&selected)) return errorResponse(*error);
               return jsonResponse(201, std::get<json>(selected).dump());
             });
  router.add("GET", "/api/siem/offense_closing_reasons", cap,
             [this](const HttpRequest&, const RouteParams&) {
               json out = json::array();
               for (const ClosingReason& reason : store_.closingReasons()) {
                 out.push_back({{"id", reason.id},
                                {"text", reason.text},
                                {"is_reserved", reason.is_reserved},
                                {"is_deleted", reason.is_deleted}});
               }
               return jsonResponse(200, out.dump());
             });
  router.add("GET", "/api/siem/offense_closing_reasons/{}", cap,
             [this](const HttpRequest&, const RouteParams& p) {
               const auto id = parseId(p[0]);
               for (const ClosingReason& reason : store_.closingReasons()) {
                 if (id && reason.id == *id) {
                   return jsonResponse(200, json{{"id", reason.id},
                                                 {"text", reason.text},
                                                 {"is_reserved", reason.is_reserved},
                                                 {"is_deleted", reason.is_deleted}}
                                                .dump());
                 }
               }
               return errorResponse(notFound("The closing reason does not exist."));
             });
  // Offenses come only from rules: there is deliberately no POST /api/siem/offenses. The path
  // is registered for GET, so the router answers 405 for other methods.
}

// The fields IBM's GET /siem/offenses reference marks "(Filterable.)" (26.0, the same in 12.0:
// https://ibmsecuritydocs.github.io/qradar_api_26.0/26.0--siem-offenses-GET.html). Not among
// them: description, source_network and offense_source (marked Sortable only). What a console
// answers to a filter on one of those is not documented: public clients filter on
// offense_source, so by default the emulator takes any field; with --offense-filters documented
// it answers 422/1005, as for any parameter it cannot use (**unconfirmed**).
namespace {

bool filterableOffenseField(const std::string& field) {
  static const std::set<std::string> kFilterable = {
      "id",
      "assigned_to",
      "categories",
      "category_count",
      "policy_category_count",
      "security_category_count",
      "close_time",
      "closing_user",
      "closing_reason_id",
      "credibility",
      "relevance",
      "severity",
      "magnitude",
      "destination_networks",
      "device_count",
      "event_count",
      "flow_count",
      "inactive",
      "last_updated_time",
      "local_destination_count",
      "offense_type",
      "protected",
      "follow_up",
      "remote_destination_count",
      "source_count",
      "start_time",
      "status",
      "username_count",
      "source_address_ids",
      "local_destination_address_ids",
      "domain_id",
      "last_persisted_time",
      "first_persisted_time",
      "rules",
      "log_sources",
  };
  return kFilterable.contains(field);
}

}  // namespace

HttpResponse OffenseHandlers::list(const HttpRequest& request) {
  if (const std::string* text = request.param("filter"); text != nullptr && documented_filters_) {
    if (auto filter = parseFilter(*text); filter.ok()) {
      for (const auto& all_of : filter->any_of) {
        for (const FilterCondition& condition : all_of) {
          if (!filterableOffenseField(condition.field)) {
            return errorResponse(
                invalidParameter("The field " + condition.field + " is not filterable."));
          }
        }
      }
    }
  }
  std::vector<json> rows;
  for (const Offense& offense : store_.list()) rows.push_back(offenseJson(offense));
  return listResponse(request, std::move(rows), offenseJson(Offense{}));
}

// IBM's reference: Range, filter and fields; an array of {id, create_time, username, note_text};
// 404/1002 for an unknown offense.
// https://ibmsecuritydocs.github.io/qradar_api_14.0/14.0--siem-offenses-offense_id-notes-GET.html
HttpResponse OffenseHandlers::listNotes(const HttpRequest& request, const std::string& id) {
  const auto parsed = parseId(id);
  if (!parsed) return errorResponse(notFound("The offense does not exist."));
  auto notes = store_.notes(*parsed);
  if (auto* error = std::get_if<ApiError>(&notes)) return errorResponse(*error);
  std::vector<json> rows;
  for (const OffenseNote& note : std::get<std::vector<OffenseNote>>(notes)) {
    rows.push_back(noteJson(note));
  }
  return listResponse(request, std::move(rows), noteJson(OffenseNote{}));
}

HttpResponse OffenseHandlers::getOne(const HttpRequest& request, const std::string& id) {
  const auto parsed = parseId(id);
  if (!parsed) return errorResponse(notFound("The offense does not exist."));
  const auto offense = store_.get(*parsed);
  if (!offense) return errorResponse(offenseNotFound(*parsed));
  return objectResponse(200, offenseJson(*offense), request);
}

HttpResponse OffenseHandlers::update(const HttpRequest& request, const std::string& id) {
  const auto parsed = parseId(id);
  if (!parsed) return errorResponse(notFound("The offense does not exist."));
  OffenseUpdate change;
  if (const std::string* status = request.param("status")) change.status = *status;
  if (const std::string* reason = request.param("closing_reason_id")) {
    const auto reason_id = parseId(*reason);
    if (!reason_id) return errorResponse(invalidParameter("closing_reason_id must be a number"));
    change.closing_reason_id = *reason_id;
  }
  if (const std::string* assigned = request.param("assigned_to")) change.assigned_to = *assigned;
  change.follow_up = parseBool(request.param("follow_up"));
  change.is_protected = parseBool(request.param("protected"));
  auto updated = store_.update(*parsed, change, request.user, clock_.nowMs());
  if (auto* error = std::get_if<ApiError>(&updated)) return errorResponse(*error);
  return objectResponse(200, offenseJson(std::get<Offense>(updated)), request);
}

}  // namespace aihunt::emulator
