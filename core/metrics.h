#pragma once
// The daemon's metrics registry: counters, gauges and histograms with labels, rendered in the
// Prometheus text exposition format 0.0.4. No global state: the composition root owns one
// Metrics and passes it (by reference) to whatever records or renders.
//
// Thread-safe (one mutex per registry); meant to be updated per page or per cycle, not per row.
//
// Misuse never crashes and never throws: a call naming an undeclared family, the wrong number of
// label values, the wrong operation for the family's type (set on a counter, observe on a gauge),
// a negative or NaN counter delta, a NaN observation, or a new series beyond the per-family cap
// is ignored and counted in
//   aihunt_metrics_misuse_total{metric="<name>",reason="<reason>"}
// with reason one of: undeclared, label_count, wrong_type, bad_delta, nan_observation,
// series_limit, bad_declaration (invalid metric or label name, reserved label, or a name that
// conflicts with an existing family, including a histogram's _bucket/_sum/_count series).
// Declaring the same family twice with identical arguments is a no-op.
//
// Label values may come from hostile data: they are stored as given, except that invalid UTF-8
// is replaced by U+FFFD (the format is UTF-8), and rendered with the format's escaping.
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace aihunt::core {

enum class MetricType { kCounter, kGauge, kHistogram };

using LabelValues = std::vector<std::string>;

class Metrics {
 public:
  static constexpr std::size_t kDefaultMaxSeriesPerFamily = 10000;
  static constexpr std::string_view kMisuseMetric = "aihunt_metrics_misuse_total";

  // Declares the misuse counter itself.
  explicit Metrics(std::size_t max_series_per_family = kDefaultMaxSeriesPerFamily);
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Names follow [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* and not "__"-
  // prefixed; a histogram may not have a label "le". Counters are named "..._total" by the
  // caller. Histogram buckets are upper bounds: sorted and deduplicated here, NaN and +Inf
  // dropped (+Inf is always implied); none given means the Prometheus defaults
  // (.005 .01 .025 .05 .1 .25 .5 1 2.5 5 10).
  void declare(std::string name, MetricType type, std::string help,
               std::vector<std::string> label_names = {}, std::vector<double> buckets = {});

  // Counters (delta >= 0) and gauges (any delta).
  void add(std::string_view name, const LabelValues& labels = {}, double delta = 1);
  // Gauges.
  void set(std::string_view name, const LabelValues& labels, double value);
  // Histograms: counted in every bucket whose upper bound is >= value.
  void observe(std::string_view name, const LabelValues& labels, double value);
  // Gauges: the series is no longer exported (a hunt a reload removed: a gauge frozen at its
  // last value would read as a hunt that is fine). Unknown series: nothing to do.
  void removeGauge(std::string_view name, const LabelValues& labels);

  // A counter's or gauge's value, a histogram's observation count; 0 for an unknown family or a
  // series not yet recorded. For tests and readiness decisions.
  [[nodiscard]] double value(std::string_view name, const LabelValues& labels = {}) const;
  // A histogram's sum of observations (0 if absent).
  [[nodiscard]] double histogramSum(std::string_view name, const LabelValues& labels = {}) const;

  // Prometheus text exposition format 0.0.4: families sorted by name, each with # HELP and
  // # TYPE, then its series sorted by label values. An unlabelled family has its one series from
  // the start (a counter reads 0 before its first add); a labelled family without series prints
  // only its HELP and TYPE lines.
  [[nodiscard]] std::string render() const;

 private:
  struct Series {
    double value = 0;                   // counter, gauge
    std::vector<std::uint64_t> counts;  // histogram: per bucket (not cumulative), +Inf last
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct Family {
    MetricType type = MetricType::kCounter;
    std::string help;
    std::vector<std::string> label_names;
    std::vector<double> buckets;  // finite upper bounds, ascending
    std::map<LabelValues, Series, std::less<>> series;
  };

  enum class Op { kAdd, kSet, kObserve };
  void record(Op op, std::string_view name, const LabelValues& labels, double amount);
  // Finds or creates the series; null (and misuse counted) when the family is unusable.
  Series* seriesFor(Op op, std::string_view name, const LabelValues& labels, Family** family);
  void countMisuse(std::string_view name, std::string_view reason);
  [[nodiscard]] const Series* findSeries(std::string_view name, const LabelValues& labels,
                                         const Family** family) const;
  [[nodiscard]] bool conflicts(std::string_view name, MetricType type) const;

  std::size_t max_series_per_family_;
  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

std::string_view metricTypeName(MetricType type);

// Helpers of the text format, exposed for tests and for other writers of the format.
// A sample value: integers in [-2^53, 2^53] without a fraction or exponent, NaN, +Inf, -Inf,
// otherwise the shortest text that reads back as the same double.
std::string formatMetricValue(double value);
// Label values: \ " and line feed as \\ \" \n.
std::string escapeLabelValue(std::string_view value);
// HELP text: \ and line feed as \\ \n.
std::string escapeHelp(std::string_view help);
bool isValidMetricName(std::string_view name);
bool isValidLabelName(std::string_view name);

}  // namespace aihunt::core
