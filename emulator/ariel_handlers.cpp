#include "emulator/ariel_handlers.h"

#include <cctype>

#include "aql/lint.h"
#include "aql/parser.h"
#include "core/text.h"
#include "emulator/request_parsing.h"

namespace aihunt::emulator {
namespace {

HttpResponse statusResponse(int code, const Search& search) {
  return jsonResponse(code, search.statusJson().dump());
}

ApiError aqlError(const aql::SyntaxError& detail, const std::string& fallback) {
  ApiError error{422, kCodeAqlSyntax, "", "The AQL query is not valid.", nlohmann::json::object()};
  if (detail.why.empty()) {
    error.message = "Invalid AQL query: " + fallback;
    return error;
  }
  error.message = "Invalid AQL query: " + detail.why + " near \"" +
                  core::printableExcerpt(detail.near, 60) + "\" at line " +
                  std::to_string(detail.pos.line) + ", column " +
                  std::to_string(detail.pos.column) + ".";
  error.details = {{"line", detail.pos.line},
                   {"column", detail.pos.column},
                   {"offset", detail.pos.offset},
                   {"near", core::printableExcerpt(detail.near, 60)},
                   {"reason", detail.why}};
  return error;
}

}  // namespace

ApiError searchNotFound(const std::string& id) {
  return ApiError{
      404, kCodeNotFound, "The search (" + core::printableExcerpt(id, 64) + ") does not exist.",
      "The search id is unknown, was deleted, or its results expired.", nlohmann::json::object()};
}

ApiError badRange() {
  return ApiError{422, kCodeInvalidParameter,
                  "Failed to parse Range header. The syntax of the Range header must follow this "
                  "pattern: items=x-y",
                  "", nlohmann::json::object()};
}

ArielHandlers::ArielHandlers(SearchStore& searches, SearchRunner& runner, const EventStore& events,
                             FaultSource next_fault, ArielSettings settings)
    : searches_(searches),
      runner_(runner),
      events_(events),
      next_fault_(std::move(next_fault)),
      settings_(settings) {}

void ArielHandlers::registerRoutes(Router& router) {
  const Capability cap = Capability::kLogActivity;
  router.add("GET", "/api/ariel/searches", cap,
             [this](const HttpRequest& r, const RouteParams&) { return list(r); });
  router.add("POST", "/api/ariel/searches", cap,
             [this](const HttpRequest& r, const RouteParams&) { return create(r); });
  router.add("GET", "/api/ariel/searches/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) { return status(r, p[0]); });
  router.add("POST", "/api/ariel/searches/{}", cap,
             [this](const HttpRequest& r, const RouteParams& p) { return update(r, p[0]); });
  router.add("DELETE", "/api/ariel/searches/{}", cap,
             [this](const HttpRequest&, const RouteParams& p) { return remove(p[0]); });
  router.add("GET", "/api/ariel/searches/{}/results", cap,
             [this](const HttpRequest& r, const RouteParams& p) { return results(r, p[0]); });
  router.add("GET", "/api/ariel/databases", cap,
             [this](const HttpRequest&, const RouteParams&) { return databases(); });
  router.add("GET", "/api/ariel/databases/{}", cap,
             [this](const HttpRequest&, const RouteParams& p) { return database(p[0]); });
}

HttpResponse ArielHandlers::create(const HttpRequest& request) {
  const std::string* text = request.param("query_expression");
  if (text == nullptr || core::trim(*text).empty()) {
    return errorResponse(
        invalidParameter("Missing required parameter \"query_expression\" from query parameters"));
  }
  aql::SyntaxError detail;
  auto query = aql::parse(*text, &detail);
  if (!query.ok()) return errorResponse(aqlError(detail, query.error().message));
  // Unknown functions and wrong argument counts, with their position, from the same function
  // catalog as `aihunt aql lint` (QRadar answers 422 to a function it does not know).
  for (const aql::Diagnostic& d : aql::lintQuery(*query)) {
    if (d.severity != aql::Severity::kError) continue;
    std::size_t end = std::min(d.pos.offset, text->size());
    while (end < text->size() && (std::isalnum(static_cast<unsigned char>((*text)[end])) != 0 ||
                                  (*text)[end] == '_' || (*text)[end] == ':')) {
      ++end;
    }
    const std::size_t start = std::min(d.pos.offset, text->size());
    return errorResponse(
        aqlError(aql::SyntaxError{d.pos, text->substr(start, end - start), d.message}, d.message));
  }
  // Compile once against the current catalog so that unknown functions and bad arguments fail
  // here, as Ariel rejects them at creation, not later as ERROR.
  {
    aql::Schema schema = events_.schema();
    const aql::EvalOptions options;
    auto compiled = aql::QueryRun::create(*query, schema, options, [](aql::Row&&) {});
    if (!compiled.ok()) {
      return errorResponse(aqlError(aql::SyntaxError{}, compiled.error().message));
    }
  }
  auto created = searches_.create(*text, std::move(*query), next_fault_(), events_.size());
  if (auto* error = std::get_if<ApiError>(&created)) return errorResponse(*error);
  CreatedSearch& result = std::get<CreatedSearch>(created);
  HttpResponse response = statusResponse(201, *result.search);
  if (!result.reused) runner_.submit(result.search);
  return response;
}

HttpResponse ArielHandlers::list(const HttpRequest&) {
  return jsonResponse(200, nlohmann::json(searches_.ids()).dump());
}

HttpResponse ArielHandlers::status(const HttpRequest& request, const std::string& id) {
  auto search = searches_.find(id);
  if (!search) return errorResponse(searchNotFound(id));
  const std::int64_t polls = search->countPoll();
  if (search->fault.vanish_after_polls >= 0 && polls > search->fault.vanish_after_polls) {
    searches_.remove(id);
    return errorResponse(searchNotFound(id));
  }
  if (const auto prefer = request.header("Prefer")) {
    if (const auto wait = parsePreferWait(*prefer)) {
      const std::int64_t seconds = std::min(*wait, settings_.max_prefer_wait_seconds);
      const bool finished = search->waitFinished(std::chrono::seconds(seconds));
      HttpResponse response = statusResponse(finished ? 200 : 206, *search);
      response.setHeader("Preference-Applied", "wait=" + std::to_string(seconds));
      return response;
    }
  }
  return statusResponse(200, *search);
}

HttpResponse ArielHandlers::update(const HttpRequest& request, const std::string& id) {
  auto search = searches_.find(id);
  if (!search) return errorResponse(searchNotFound(id));
  if (const std::string* save = request.param("save_results")) {
    if (*save != "true" && *save != "false") {
      return errorResponse(invalidParameter("save_results must be true or false"));
    }
    search->setSaveResults(*save == "true");
  }
  if (const std::string* status = request.param("status")) {
    if (*status != "CANCELED") {
      return errorResponse(invalidParameter("Invalid value for status: \"" +
                                            core::printableExcerpt(*status, 40) +
                                            "\". The only accepted value is CANCELED"));
    }
    if (!isFinished(search->state())) {
      search->requestCancel();
      search->waitFinished(std::chrono::seconds(5));
    }
  }
  return statusResponse(200, *search);
}

HttpResponse ArielHandlers::remove(const std::string& id) {
  auto search = searches_.find(id);
  if (!search) return errorResponse(searchNotFound(id));
  nlohmann::json body = search->statusJson();
  searches_.remove(id);
  return jsonResponse(202, body.dump());
}

HttpResponse ArielHandlers::results(const HttpRequest& request, const std::string& id) {
  auto search = searches_.find(id);
  if (!search) return errorResponse(searchNotFound(id));
  const SearchState state = search->state();
  if (state == SearchState::kError) {
    // No results, and they never will be: say so rather than "still in progress". IBM's results
    // endpoint lists 404/1003 for "search results not found"; the ERROR case is unconfirmed.
    const nlohmann::json status = search->statusJson();
    return errorResponse(ApiError{
        404, kCodeRecordNotFound, "The search (" + id + ") ended in ERROR and has no results.",
        "Read error_messages from the search status and create a new search.",
        nlohmann::json{
            {"status", "ERROR"},
            {"error_messages", status.value("error_messages", nlohmann::json::array())}}});
  }
  if (state != SearchState::kCompleted && state != SearchState::kCanceled) {
    return errorResponse(
        ApiError{404, kCodeRecordNotFound, "The search (" + id + ") is still in progress.",
                 "Results are available once the search is COMPLETED.", nlohmann::json::object()});
  }
  // search_vanish with `on: results`: gone after that many results reads, as when another
  // client sharing the search (an identical query) deletes it while this one pages.
  if (search->fault.vanish_after_results >= 0 &&
      search->countResultsRead() > search->fault.vanish_after_results) {
    searches_.remove(id);
    return errorResponse(searchNotFound(id));
  }
  std::size_t first = 0;
  std::size_t last = std::numeric_limits<std::size_t>::max();
  const auto range_header = request.header("Range");
  if (range_header) {
    auto range = parseItemsRange(*range_header);
    if (!range.ok()) return errorResponse(badRange());
    first = range->first;
    last = range->last;
  }
  Search::Page page = search->page(first, last);
  aql::ResultSet set;
  set.database = search->query.database;
  set.columns = std::move(page.columns);
  const std::size_t returned = page.rows.size();
  set.rows = std::move(page.rows);
  HttpResponse response = jsonResponse(200, aql::toArielJson(set));
  if (range_header || settings_.content_range_without_range) {
    if (returned == 0) {
      response.setHeader("Content-Range", "items */" + std::to_string(page.total));
    } else {
      response.setHeader("Content-Range", "items " + std::to_string(first) + "-" +
                                              std::to_string(first + returned - 1) + "/" +
                                              std::to_string(page.total));
    }
  }
  return response;
}

HttpResponse ArielHandlers::databases() {
  return jsonResponse(200, nlohmann::json::array({"events", "flows"}).dump());
}

HttpResponse ArielHandlers::database(const std::string& name) {
  if (name != "events" && name != "flows") {
    return errorResponse(
        notFound("The database \"" + core::printableExcerpt(name, 40) + "\" does not exist."));
  }
  nlohmann::json columns = nlohmann::json::array();
  if (name == "events") {
    for (const ColumnInfo& column : events_.columns()) {
      columns.push_back({{"name", column.name},
                         {"argument_type", column.argument_type},
                         {"indexable", column.indexable},
                         {"nullable", true},
                         {"object_value_type", column.argument_type},
                         {"provider", "ariel"}});
    }
  }
  return jsonResponse(200, nlohmann::json{{"columns", columns}}.dump());
}

}  // namespace aihunt::emulator
