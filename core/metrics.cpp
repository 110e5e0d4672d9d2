#include "core/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/char_class.h"
#include "core/text.h"

namespace aihunt::core {

namespace {

constexpr std::size_t kMaxMisuseNameBytes = 128;

// Every byte that does not start a valid sequence becomes U+FFFD.
std::string toUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = decodeUtf8At(text, at).length;
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++at;
    } else {
      out.append(text.substr(at, length));
      at += length;
    }
  }
  return out;
}

bool allUtf8(const LabelValues& labels) {
  return std::all_of(labels.begin(), labels.end(),
                     [](const std::string& value) { return isValidUtf8(value); });
}

LabelValues toUtf8(const LabelValues& labels) {
  LabelValues out;
  out.reserve(labels.size());
  for (const std::string& value : labels) out.push_back(toUtf8(value));
  return out;
}

// The sample names a family writes: itself, or a histogram's three series.
std::vector<std::string> sampleNames(std::string_view name, MetricType type) {
  std::string base(name);
  if (type == MetricType::kHistogram)
    return {base, base + "_bucket", base + "_sum", base + "_count"};
  return {base};
}

void appendLabels(std::string& out, const std::vector<std::string>& names,
                  const LabelValues& values, std::string_view le = {}) {
  if (names.empty() && le.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    out += escapeLabelValue(values[i]);
    out += '"';
  }
  if (!le.empty()) {
    if (!names.empty()) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

void appendSample(std::string& out, std::string_view name, std::string_view suffix,
                  const std::vector<std::string>& label_names, const LabelValues& labels,
                  std::string_view le, std::string_view value) {
  out += name;
  out += suffix;
  appendLabels(out, label_names, labels, le);
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

std::string_view metricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

std::string formatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53
  if (std::trunc(value) == value && std::fabs(value) <= kMaxExactInteger) {
    return std::to_string(static_cast<long long>(value));  // -0.0 prints as 0
  }
  char buffer[64];
  const auto result = std::to_chars(std::begin(buffer), std::end(buffer), value);
  return std::string(std::begin(buffer), result.ptr);
}

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

bool isValidMetricName(std::string_view name) {
  if (name.empty() || !(core::isNameStart(name[0]) || name[0] == ':')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return core::isNameStart(c) || core::isAsciiDigit(c) || c == ':';
  });
}

bool isValidLabelName(std::string_view name) {
  if (name.empty() || !core::isNameStart(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return core::isNameStart(c) || core::isAsciiDigit(c); });
}

Metrics::Metrics(std::size_t max_series_per_family)
    : max_series_per_family_(std::max<std::size_t>(max_series_per_family, 1)) {
  declare(std::string(kMisuseMetric), MetricType::kCounter,
          "Metric updates and declarations ignored as programming errors, by metric and reason.",
          {"metric", "reason"});
}

bool Metrics::conflicts(std::string_view name, MetricType type) const {
  const std::vector<std::string> mine = sampleNames(name, type);
  for (const auto& [other_name, other] : families_) {
    for (const std::string& theirs : sampleNames(other_name, other.type)) {
      if (std::find(mine.begin(), mine.end(), theirs) != mine.end()) return true;
    }
  }
  return false;
}

void Metrics::declare(std::string name, MetricType type, std::string help,
                      std::vector<std::string> label_names, std::vector<double> buckets) {
  if (type == MetricType::kHistogram) {
    buckets.erase(std::remove_if(buckets.begin(), buckets.end(),
                                 [](double bound) { return !std::isfinite(bound); }),
                  buckets.end());
    std::sort(buckets.begin(), buckets.end());
    buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
    if (buckets.empty()) buckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
  } else {
    buckets.clear();
  }
  help = toUtf8(help);
  const std::lock_guard lock(mutex_);
  if (const auto existing = families_.find(name); existing != families_.end()) {
    const Family& family = existing->second;
    if (family.type != type || family.help != help || family.label_names != label_names ||
        family.buckets != buckets) {
      countMisuse(name, "bad_declaration");
    }
    return;
  }
  bool valid = isValidMetricName(name) && !conflicts(name, type);
  for (std::size_t i = 0; valid && i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    valid = isValidLabelName(label) && label.rfind("__", 0) != 0 &&
            !(type == MetricType::kHistogram && label == "le") &&
            std::find(label_names.begin(), label_names.begin() + static_cast<std::ptrdiff_t>(i),
                      label) == label_names.begin() + static_cast<std::ptrdiff_t>(i);
  }
  if (!valid) {
    countMisuse(name, "bad_declaration");
    return;
  }
  Family family;
  family.type = type;
  family.help = std::move(help);
  family.label_names = std::move(label_names);
  family.buckets = std::move(buckets);
  if (family.label_names.empty()) {
    Series& series = family.series[LabelValues{}];
    if (type == MetricType::kHistogram) series.counts.assign(family.buckets.size() + 1, 0);
  }
  families_.emplace(std::move(name), std::move(family));
}

void Metrics::countMisuse(std::string_view name, std::string_view reason) {
  const auto it = families_.find(kMisuseMetric);
  if (it == families_.end()) return;
  auto& series = it->second.series;
  LabelValues key{toUtf8(name.substr(0, kMaxMisuseNameBytes)), std::string(reason)};
  auto found = series.find(key);
  if (found == series.end()) {
    if (series.size() >= max_series_per_family_) return;  // nothing left to count with
    found = series.emplace(std::move(key), Series{}).first;
  }
  found->second.value += 1;
}

Metrics::Series* Metrics::seriesFor(Op op, std::string_view name, const LabelValues& labels,
                                    Family** family_out) {
  const auto it = families_.find(name);
  if (it == families_.end()) {
    countMisuse(name, "undeclared");
    return nullptr;
  }
  Family& family = it->second;
  const bool type_ok = (op == Op::kAdd && family.type != MetricType::kHistogram) ||
                       (op == Op::kSet && family.type == MetricType::kGauge) ||
                       (op == Op::kObserve && family.type == MetricType::kHistogram);
  if (!type_ok) {
    countMisuse(name, "wrong_type");
    return nullptr;
  }
  if (labels.size() != family.label_names.size()) {
    countMisuse(name, "label_count");
    return nullptr;
  }
  auto found = allUtf8(labels) ? family.series.find(labels) : family.series.find(toUtf8(labels));
  if (found == family.series.end()) {
    if (family.series.size() >= max_series_per_family_) {
      countMisuse(name, "series_limit");
      return nullptr;
    }
    found = family.series.emplace(toUtf8(labels), Series{}).first;
    if (family.type == MetricType::kHistogram) {
      found->second.counts.assign(family.buckets.size() + 1, 0);
    }
  }
  *family_out = &family;
  return &found->second;
}

void Metrics::record(Op op, std::string_view name, const LabelValues& labels, double amount) {
  const std::lock_guard lock(mutex_);
  const auto family_it = families_.find(name);
  if (family_it != families_.end()) {
    const MetricType type = family_it->second.type;
    if (op == Op::kAdd && type == MetricType::kCounter && !(amount >= 0)) {
      countMisuse(name, "bad_delta");
      return;
    }
    if (op == Op::kObserve && type == MetricType::kHistogram && std::isnan(amount)) {
      countMisuse(name, "nan_observation");
      return;
    }
  }
  Family* family = nullptr;
  Series* series = seriesFor(op, name, labels, &family);
  if (series == nullptr) return;
  switch (op) {
    case Op::kAdd:
      series->value += amount;
      break;
    case Op::kSet:
      series->value = amount;
      break;
    case Op::kObserve: {
      const auto bound = std::lower_bound(family->buckets.begin(), family->buckets.end(), amount);
      series->counts[static_cast<std::size_t>(bound - family->buckets.begin())] += 1;
      series->sum += amount;
      series->count += 1;
      break;
    }
  }
}

void Metrics::add(std::string_view name, const LabelValues& labels, double delta) {
  record(Op::kAdd, name, labels, delta);
}

void Metrics::set(std::string_view name, const LabelValues& labels, double value) {
  record(Op::kSet, name, labels, value);
}

void Metrics::observe(std::string_view name, const LabelValues& labels, double value) {
  record(Op::kObserve, name, labels, value);
}

void Metrics::removeGauge(std::string_view name, const LabelValues& labels) {
  const std::lock_guard lock(mutex_);
  const auto it = families_.find(name);
  if (it == families_.end() || it->second.type != MetricType::kGauge) return;
  auto& series = it->second.series;
  const auto found = allUtf8(labels) ? series.find(labels) : series.find(toUtf8(labels));
  if (found != series.end()) series.erase(found);
}

const Metrics::Series* Metrics::findSeries(std::string_view name, const LabelValues& labels,
                                           const Family** family_out) const {
  const auto it = families_.find(name);
  if (it == families_.end()) return nullptr;
  const auto& series = it->second.series;
  const auto found = allUtf8(labels) ? series.find(labels) : series.find(toUtf8(labels));
  if (found == series.end()) return nullptr;
  *family_out = &it->second;
  return &found->second;
}

double Metrics::value(std::string_view name, const LabelValues& labels) const {
  const std::lock_guard lock(mutex_);
  const Family* family = nullptr;
  const Series* series = findSeries(name, labels, &family);
  if (series == nullptr) return 0;
  return family->type == MetricType::kHistogram ? static_cast<double>(series->count)
                                                : series->value;
}

double Metrics::histogramSum(std::string_view name, const LabelValues& labels) const {
  const std::lock_guard lock(mutex_);
  const Family* family = nullptr;
  const Series* series = findSeries(name, labels, &family);
  if (series == nullptr || family->type != MetricType::kHistogram) return 0;
  return series->sum;
}

std::string Metrics::render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    if (!family.help.empty()) {
      out += "# HELP ";
      out += name;
      out += ' ';
      out += escapeHelp(family.help);
      out += '\n';
    }
    out += "# TYPE ";
    out += name;
    out += ' ';
    out += metricTypeName(family.type);
    out += '\n';
    for (const auto& [labels, series] : family.series) {
      if (family.type != MetricType::kHistogram) {
        appendSample(out, name, "", family.label_names, labels, {},
                     formatMetricValue(series.value));
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < family.buckets.size(); ++i) {
        cumulative += series.counts[i];
        appendSample(out, name, "_bucket", family.label_names, labels,
                     formatMetricValue(family.buckets[i]), std::to_string(cumulative));
      }
      cumulative += series.counts.back();
      appendSample(out, name, "_bucket", family.label_names, labels, "+Inf",
                   std::to_string(cumulative));
      appendSample(out, name, "_sum", family.label_names, labels, {},
                   formatMetricValue(series.sum));
      appendSample(out, name, "_count", family.label_names, labels, {},
                   std::to_string(series.count));
    }
  }
  return out;
}

}  // namespace aihunt::core
