#pragma once
// An HttpTransport that times every request to the console and counts it by endpoint and status
// code (aihunt_qradar_request_duration_seconds), around the real transport. Endpoints are path
// templates ("/api/ariel/searches/{id}/results"): search ids never become label values.
#include <memory>
#include <string>

#include "core/metrics.h"
#include "qradar_client/http_transport.h"

namespace aihunt::service {

class InstrumentedTransport final : public qradar::HttpTransport {
 public:
  InstrumentedTransport(qradar::HttpTransport& inner, core::Metrics& metrics)
      : inner_(inner), metrics_(metrics) {}
  [[nodiscard]] qradar::Exchange send(const qradar::HttpRequest& request,
                                      const qradar::BodySink* sink) override;

 private:
  qradar::HttpTransport& inner_;
  core::Metrics& metrics_;
};

// "/api/ariel/searches/3c1e.../results?x" -> "/api/ariel/searches/{id}/results".
std::string endpointTemplate(const std::string& url);

// Declares the metrics the daemon reports (names, help, labels, buckets).
void declareDaemonMetrics(core::Metrics& metrics);
// The counters of one hunt (runs by result, gaps) and of one sink (delivered, errors) at 0, so
// that the first run, gap or error is an increase an alert's rate() can see (a series that
// appears at 1 has none: a trial). Called for every hunt and sink the daemon runs.
void zeroHuntCounters(core::Metrics& metrics, const std::string& hunt);
void zeroSinkCounters(core::Metrics& metrics, const std::string& sink);

}  // namespace aihunt::service
