#include "emulator/fault_injector.h"

#include "core/text.h"
#include "emulator/qradar_error.h"
#include "emulator/yaml_reader.h"

namespace aihunt::emulator {
namespace {

constexpr std::pair<FaultKind, std::string_view> kNames[] = {
    {FaultKind::kStatus503, "status_503"},
    {FaultKind::kStatus500, "status_500"},
    {FaultKind::kStatus429, "status_429"},
    {FaultKind::kStatus401, "status_401"},
    {FaultKind::kReset, "reset"},
    {FaultKind::kLatency, "latency"},
    {FaultKind::kTruncate, "truncate"},
    {FaultKind::kMalformedJson, "malformed_json"},
    {FaultKind::kSearchError, "search_error"},
    {FaultKind::kSearchVanish, "search_vanish"},
    {FaultKind::kSearchStuck, "search_stuck"},
    {FaultKind::kTaskException, "task_exception"},
    {FaultKind::kLateResponse, "late_response"},
    {FaultKind::kResetAfter, "reset_after"},
};

constexpr std::string_view kBulkUpdateTasks =
    "/api/reference_data_collections/set_bulk_update_tasks/";

// A bulk update task that failed, as IBM's task object spells it.
HttpResponse taskException(std::string_view path) {
  const std::string_view id_text = path.substr(kBulkUpdateTasks.size());
  std::int64_t id = 0;
  for (const char c : id_text) id = id * 10 + (c - '0');
  const nlohmann::json body = {
      {"id", id},
      {"status", "EXCEPTION"},
      {"error_code", kCodeServerError},
      {"error_message", "An exception occurred while processing the bulk update (injected)"},
      {"created_by", ""},
      {"name", nullptr},
      {"created", nullptr},
      {"started", nullptr},
      {"modified", nullptr},
      {"completed", nullptr}};
  return jsonResponse(200, body.dump());
}

bool isBulkUpdateTaskRead(std::string_view method, std::string_view path) {
  if (method != "GET" || !path.starts_with(kBulkUpdateTasks)) return false;
  const std::string_view id = path.substr(kBulkUpdateTasks.size());
  return !id.empty() && id.size() < 18 &&
         id.find_first_not_of("0123456789") == std::string_view::npos;
}

bool isSearchFault(FaultKind kind) {
  return kind == FaultKind::kSearchError || kind == FaultKind::kSearchVanish ||
         kind == FaultKind::kSearchStuck;
}

}  // namespace

std::optional<FaultKind> parseFaultKind(std::string_view name) {
  for (const auto& [kind, text] : kNames) {
    if (core::iequals(name, text)) return kind;
  }
  return std::nullopt;
}

std::string_view faultKindName(FaultKind kind) {
  for (const auto& [k, text] : kNames) {
    if (k == kind) return text;
  }
  return "unknown";
}

core::Result<std::vector<FaultRule>> parseFaults(std::string_view text) {
  YamlReader reader(text);
  if (!reader.ok()) return reader.error();
  YAML::Node list = reader.root();
  std::string path = "";
  if (list.IsMap()) {
    // A bare fault ({"kind": ...}) is refused rather than read as no faults at all.
    if (!reader.checkMap(list, "", {"faults"}) || !reader.ok()) return reader.error();
    list = list["faults"];
    path = "faults";
  }
  std::vector<FaultRule> rules;
  if (!list || list.IsNull()) return rules;
  if (!list.IsSequence()) {
    reader.fail(path, "expected a list of faults");
    return reader.error();
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = indexPath(path, i);
    const YAML::Node item = list[i];
    if (!reader.checkMap(
            item, at, {"kind", "method", "path", "times", "after", "latency_ms", "polls", "on"})) {
      continue;
    }
    FaultRule rule;
    std::string kind;
    reader.readString(item["kind"], childPath(at, "kind"), kind);
    const auto parsed = parseFaultKind(kind);
    if (!parsed) {
      reader.fail(
          childPath(at, "kind"),
          "unknown fault '" + core::printableExcerpt(kind) +
              "' (status_503, status_500, status_429, status_401, reset, latency, truncate, "
              "malformed_json, search_error, search_vanish, search_stuck, "
              "task_exception, late_response, reset_after)");
      continue;
    }
    rule.kind = *parsed;
    reader.readString(item["method"], childPath(at, "method"), rule.method);
    reader.readString(item["path"], childPath(at, "path"), rule.path);
    reader.readInt(item["times"], childPath(at, "times"), rule.times);
    reader.readInt(item["after"], childPath(at, "after"), rule.after);
    reader.readInt(item["latency_ms"], childPath(at, "latency_ms"), rule.latency_ms);
    reader.readInt(item["polls"], childPath(at, "polls"), rule.polls);
    reader.readString(item["on"], childPath(at, "on"), rule.on);
    if (rule.on != "status" && rule.on != "results") {
      reader.fail(childPath(at, "on"), "status or results");
    }
    if (rule.times < -1 || rule.times == 0)
      reader.fail(childPath(at, "times"), "must be >= 1 or -1");
    if (rule.after < 0 || rule.polls < 0) reader.fail(at, "after and polls must be >= 0");
    if (rule.latency_ms < 0 || rule.latency_ms > 600'000) {
      reader.fail(childPath(at, "latency_ms"), "must be 0..600000");
    }
    rule.method = core::asciiLowered(rule.method);
    for (char& c : rule.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    rules.push_back(std::move(rule));
  }
  if (!reader.ok()) return reader.error();
  return rules;
}

nlohmann::json faultsJson(const std::vector<FaultRule>& rules) {
  nlohmann::json out = nlohmann::json::array();
  for (const FaultRule& rule : rules) {
    out.push_back({{"kind", faultKindName(rule.kind)},
                   {"method", rule.method},
                   {"path", rule.path},
                   {"times", rule.times},
                   {"after", rule.after},
                   {"latency_ms", rule.latency_ms},
                   {"polls", rule.polls},
                   {"on", rule.on},
                   {"seen", rule.seen},
                   {"fired", rule.fired}});
  }
  return out;
}

void FaultInjector::add(std::vector<FaultRule> rules) {
  std::lock_guard lock(mutex_);
  for (FaultRule& rule : rules) rules_.push_back(std::move(rule));
}

void FaultInjector::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

std::vector<FaultRule> FaultInjector::rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

bool FaultInjector::fire(FaultRule& rule) {
  ++rule.seen;
  if (rule.seen <= rule.after) return false;
  if (rule.times >= 0 && rule.fired >= rule.times) return false;
  ++rule.fired;
  return true;
}

FaultDecision FaultInjector::onRequest(std::string_view method, std::string_view path) {
  std::lock_guard lock(mutex_);
  FaultDecision decision;
  for (FaultRule& rule : rules_) {
    if (isSearchFault(rule.kind)) continue;
    if (!rule.method.empty() && rule.method != method) continue;
    if (!core::globMatch(rule.path, path)) continue;
    if (rule.kind == FaultKind::kTaskException && !isBulkUpdateTaskRead(method, path)) continue;
    if (decision.respond) break;
    if (!fire(rule)) continue;
    if (!decision.names.empty()) decision.names += ",";
    decision.names += faultKindName(rule.kind);
    switch (rule.kind) {
      case FaultKind::kStatus503:
        decision.respond = errorResponse(ApiError{
            503, kCodeArielUnavailable, "The Ariel server is temporarily unavailable (injected)",
            "Retry later.", nlohmann::json::object()});
        break;
      case FaultKind::kStatus500:
        decision.respond = errorResponse(ApiError{500, kCodeServerError,
                                                  "Unexpected internal server error (injected)", "",
                                                  nlohmann::json::object()});
        break;
      case FaultKind::kStatus429: {
        HttpResponse response = errorResponse(
            ApiError{429, 0, "Too many requests (injected)", "", nlohmann::json::object()});
        response.setHeader("Retry-After", "1");
        decision.respond = std::move(response);
        break;
      }
      case FaultKind::kStatus401:
        // What a console answers a token revoked since the client's last request (the body of
        // auth.cpp's refusal).
        decision.respond = errorResponse(
            ApiError{401, kCodeUnauthorized,
                     "Invalid SEC token: the token is not an authorized service token (injected)",
                     "", nlohmann::json::object()});
        break;
      case FaultKind::kReset: {
        HttpResponse response;
        response.delivery = Delivery::kReset;
        decision.respond = std::move(response);
        break;
      }
      case FaultKind::kLatency:
        decision.delay += std::chrono::milliseconds(rule.latency_ms);
        break;
      case FaultKind::kTruncate:
        decision.truncate = true;
        break;
      case FaultKind::kMalformedJson:
        decision.malformed_json = true;
        break;
      case FaultKind::kTaskException:
        decision.respond = taskException(path);
        break;
      case FaultKind::kLateResponse:
        decision.delay_after += std::chrono::milliseconds(rule.latency_ms);
        break;
      case FaultKind::kResetAfter:
        decision.reset_after = true;
        break;
      default:
        break;
    }
  }
  if (decision.respond) decision.respond->fault = decision.names;
  return decision;
}

SearchFault FaultInjector::nextSearchFault() {
  std::lock_guard lock(mutex_);
  SearchFault fault;
  for (FaultRule& rule : rules_) {
    if (!isSearchFault(rule.kind) || !fire(rule)) continue;
    if (rule.kind == FaultKind::kSearchError) fault.error = true;
    if (rule.kind == FaultKind::kSearchStuck) fault.stuck = true;
    if (rule.kind == FaultKind::kSearchVanish && rule.on == "results") {
      fault.vanish_after_results = rule.polls;
    } else if (rule.kind == FaultKind::kSearchVanish) {
      fault.vanish_after_polls = rule.polls;
    }
  }
  return fault;
}

void FaultInjector::hold(std::chrono::milliseconds delay) {
  if (delay.count() <= 0) return;
  std::unique_lock lock(mutex_);
  released_cv_.wait_for(lock, delay, [&] { return released_; });
}

void FaultInjector::release() {
  {
    const std::lock_guard lock(mutex_);
    released_ = true;
  }
  released_cv_.notify_all();
}

std::string malformJson(const std::string& body) {
  return body.substr(0, body.size() / 2) + "{\"truncated\": tru,,]";
}

}  // namespace aihunt::emulator
