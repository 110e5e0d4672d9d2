#include "service/instrumented_transport.h"

#include "service/reference_set_refresher.h"

#include <chrono>
#include <string_view>

namespace aihunt::service {

std::string endpointTemplate(const std::string& url) {
  std::string_view path = url;
  if (const auto scheme = path.find("://"); scheme != std::string_view::npos) {
    path.remove_prefix(scheme + 3);
    const auto slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
  }
  if (const auto query = path.find('?'); query != std::string_view::npos) {
    path = path.substr(0, query);
  }
  // Segments after these collections are ids or names, not part of the endpoint.
  static constexpr std::string_view kCollections[] = {
      "/api/ariel/searches/", "/api/reference_data/sets/", "/api/siem/offenses/",
      "/api/reference_data_collections/set_bulk_update_tasks/",
      "/api/reference_data_collections/sets/"};
  for (const std::string_view collection : kCollections) {
    if (path.substr(0, collection.size()) != collection) continue;
    std::string out(collection);
    out += "{id}";
    const std::string_view rest = path.substr(collection.size());
    if (const auto next = rest.find('/'); next != std::string_view::npos) {
      const std::string_view tail = rest.substr(next);
      // Only known, fixed tails; anything else is folded so that no value becomes a label.
      out += (tail == "/results" || tail == "/notes") ? std::string(tail) : std::string("/...");
    }
    return out;
  }
  return path.size() <= 64 ? std::string(path) : std::string(path.substr(0, 64));
}

qradar::Exchange InstrumentedTransport::send(const qradar::HttpRequest& request,
                                             const qradar::BodySink* sink) {
  const auto started = std::chrono::steady_clock::now();
  qradar::Exchange exchange = inner_.send(request, sink);
  const auto& response = exchange.response;
  // The request sent without credentials before the token goes anywhere (probeWithoutToken):
  // its 401 is the answer hoped for, and counted it would fire every alert on code="401" at
  // each start.
  if (!qradar::findHeader(request.headers, "SEC") &&
      !qradar::findHeader(request.headers, "Authorization")) {
    return exchange;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string code = response ? std::to_string(response->status) : "error";
  metrics_.observe("aihunt_qradar_request_duration_seconds",
                   {request.method, endpointTemplate(request.url), code}, seconds);
  return exchange;
}

void declareDaemonMetrics(core::Metrics& metrics) {
  using core::MetricType;
  metrics.declare("aihunt_build_info", MetricType::kGauge, "aihunt's version (value 1).",
                  {"version"});
  metrics.declare("aihunt_hunt_runs_total", MetricType::kCounter,
                  "Hunted windows by hunt and result (ok, truncated, failed, cancelled).",
                  {"hunt", "result"});
  metrics.declare("aihunt_window_lag_seconds", MetricType::kGauge,
                  "How far the hunt's ledger ends behind now minus schedule.delay: while the hunt "
                  "keeps up, between 0 and schedule.every plus its search's time; more when "
                  "windows wait.",
                  {"hunt"});
  metrics.declare("aihunt_mapped_properties_missing", MetricType::kGauge,
                  "Properties a hunt maps (hunts[].fields) that the console's events catalog "
                  "does not list: the console refuses that hunt's searches.",
                  {"hunt"});
  metrics.declare("aihunt_windows_pending", MetricType::kGauge,
                  "Searches due but not run yet: while catching up, consecutive windows up to "
                  "schedule.max_window are one search (0 when the hunt is up to date).",
                  {"hunt"});
  metrics.declare("aihunt_last_window_end_seconds", MetricType::kGauge,
                  "End of the newest window hunted, Unix seconds.", {"hunt"});
  metrics.declare("aihunt_gaps_total", MetricType::kCounter,
                  "Stretches older than catch_up_max that will not be hunted (see 'aihunt state "
                  "gaps').",
                  {"hunt"});
  metrics.declare("aihunt_gap_seconds_total", MetricType::kCounter,
                  "Length of those gaps, in seconds.", {"hunt"});
  metrics.declare("aihunt_searches_total", MetricType::kCounter,
                  "Hunted windows' searches by how they ended: one a window, also for a hunt with "
                  "aggregate_uploads, whose second search (the upload totals) ends with the first.",
                  {"status"});
  metrics.declare("aihunt_repaired_rows_total", MetricType::kCounter,
                  "Result rows read after their text that is not valid UTF-8 (or a lone UTF-16 "
                  "surrogate escape) was replaced with U+FFFD.",
                  {"hunt"});
  metrics.declare("aihunt_leftover_searches_total", MetricType::kCounter,
                  "Searches left on the console (a process killed before it cleaned up, or a "
                  "delete that failed), by what became of them: deleted, or already gone.",
                  {"result"});
  metrics.declare("aihunt_qradar_request_duration_seconds", MetricType::kHistogram,
                  "QRadar REST requests by method, endpoint and status code ('error': no answer).",
                  {"method", "endpoint", "code"},
                  {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
  metrics.declare("aihunt_qradar_connect_failures_total", MetricType::kCounter,
                  "A hunt's connections to the console that failed before any search: the console "
                  "could not be reached (unreachable), refused the token (refused; also counted "
                  "when a kept connection's token is refused mid-hunt, and when the readiness "
                  "probe's is), or the connection could not be set up from the config (setup).",
                  {"reason"});
  // Each reason from 0, so that the first failure is an increase a rate can see.
  for (const char* reason : {"unreachable", "refused", "setup"}) {
    metrics.add("aihunt_qradar_connect_failures_total", {reason}, 0);
  }
  metrics.declare("aihunt_qradar_requests_total", MetricType::kCounter,
                  "QRadar REST requests made by a hunt's searches (retries included).", {"hunt"});
  metrics.declare("aihunt_qradar_retries_total", MetricType::kCounter,
                  "QRadar REST requests sent again after a retryable failure (429, 5xx, reset).",
                  {"hunt"});
  metrics.declare("aihunt_rows_read_total", MetricType::kCounter, "Result rows read.", {"hunt"});
  metrics.declare("aihunt_findings_total", MetricType::kCounter,
                  "New findings raised, by hunt and severity.", {"hunt", "severity"});
  metrics.declare("aihunt_findings_by_signal_total", MetricType::kCounter,
                  "New findings raised, by signal (a finding counts once per signal).", {"signal"});
  metrics.declare("aihunt_findings_by_category_total", MetricType::kCounter,
                  "New findings raised, by process category.", {"category"});
  metrics.declare("aihunt_finding_repeats_total", MetricType::kCounter,
                  "Findings already raised by an earlier window (not raised again).", {"hunt"});
  metrics.declare("aihunt_suppressed_total", MetricType::kCounter,
                  "Findings suppressed, by exception id.", {"exception"});
  metrics.declare("aihunt_expired_exception_matches_total", MetricType::kCounter,
                  "Findings raised that an exception past its expires date matched, by hunt.",
                  {"hunt"});
  metrics.declare("aihunt_outbox_depth", MetricType::kGauge,
                  "Findings waiting for delivery, by sink.", {"sink"});
  metrics.declare("aihunt_outbox_held", MetricType::kGauge,
                  "Of the outbox depth, findings a sink holds back on purpose (offense notes "
                  "wait for their offenses), by sink.",
                  {"sink"});
  metrics.declare("aihunt_sink_delivered_total", MetricType::kCounter,
                  "Findings delivered, by sink.", {"sink"});
  metrics.declare("aihunt_sink_delivery_errors_total", MetricType::kCounter,
                  "Failed delivery attempts, by sink.", {"sink"});
  metrics.declare("aihunt_state_errors_total", MetricType::kCounter,
                  "Failed writes to the state store.", {});
  declareReferenceSetMetrics(metrics);
  metrics.declare("aihunt_config_reloads_total", MetricType::kCounter,
                  "Config reloads (SIGHUP) by result (ok, rejected).", {"result"});
  // Each label value from 0 (zeroHuntCounters says why).
  for (const char* status : {"completed", "failed", "cancelled"}) {
    metrics.add("aihunt_searches_total", {status}, 0);
  }
  for (const char* result : {"deleted", "gone"}) {
    metrics.add("aihunt_leftover_searches_total", {result}, 0);
  }
  for (const char* result : {"ok", "rejected"}) {
    metrics.add("aihunt_config_reloads_total", {result}, 0);
  }
  metrics.add("aihunt_state_errors_total", {}, 0);
  metrics.declare("aihunt_config_restart_needed", MetricType::kGauge,
                  "1 when the config a reload accepted changes what applies only after a restart: "
                  "outputs:, state:, server:, logging:, or the reference sets exceptions read.",
                  {});
}

void zeroHuntCounters(core::Metrics& metrics, const std::string& hunt) {
  for (const char* result : {"ok", "truncated", "failed", "cancelled"}) {
    metrics.add("aihunt_hunt_runs_total", {hunt, result}, 0);
  }
  metrics.add("aihunt_gaps_total", {hunt}, 0);
  metrics.add("aihunt_gap_seconds_total", {hunt}, 0);
}

void zeroSinkCounters(core::Metrics& metrics, const std::string& sink) {
  metrics.add("aihunt_sink_delivered_total", {sink}, 0);
  metrics.add("aihunt_sink_delivery_errors_total", {sink}, 0);
}

}  // namespace aihunt::service
