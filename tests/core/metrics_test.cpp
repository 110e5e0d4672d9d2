#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics.h"
#include "tests/support/prometheus_text.h"

using aihunt::core::LabelValues;
using aihunt::core::Metrics;
using aihunt::core::MetricType;
using aihunt::testing::parsePrometheusText;
using aihunt::testing::PromExposition;
using aihunt::testing::PromLabels;

namespace {

constexpr std::string_view kMisuse = "aihunt_metrics_misuse_total";

PromExposition parsed(const Metrics& metrics) {
  const std::string text = metrics.render();
  auto result = parsePrometheusText(text);
  INFO(text);
  REQUIRE(result.ok());
  return std::move(result).value();
}

double misuse(const Metrics& metrics, const std::string& name, const std::string& reason) {
  return metrics.value(kMisuse, {name, reason});
}

}  // namespace

TEST_CASE("metric values print integers as integers and non-finite values by name") {
  using aihunt::core::formatMetricValue;
  CHECK(formatMetricValue(0) == "0");
  CHECK(formatMetricValue(-0.0) == "0");
  CHECK(formatMetricValue(42) == "42");
  CHECK(formatMetricValue(-7) == "-7");
  CHECK(formatMetricValue(9007199254740992.0) == "9007199254740992");
  CHECK(formatMetricValue(0.5) == "0.5");
  CHECK(formatMetricValue(0.1) == "0.1");
  CHECK(formatMetricValue(1e300) == "1e+300");
  CHECK(formatMetricValue(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(formatMetricValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(formatMetricValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  // Shortest text that reads back as the same double.
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> any(-1e6, 1e6);
  for (int i = 0; i < 1000; ++i) {
    const double value = any(random);
    CHECK(std::stod(formatMetricValue(value)) == value);
  }
}

TEST_CASE("label values and help text are escaped exactly") {
  using aihunt::core::escapeHelp;
  using aihunt::core::escapeLabelValue;
  CHECK(escapeLabelValue("plain") == "plain");
  CHECK(escapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(escapeLabelValue("\\n") == "\\\\n");  // a backslash and an n, not a line feed
  CHECK(escapeLabelValue("tab\tcr\r") == "tab\tcr\r");
  CHECK(escapeHelp("a \\ \"b\"\nc") == "a \\\\ \"b\"\\nc");
}

TEST_CASE("a small registry renders exactly") {
  Metrics metrics;
  metrics.declare("aihunt_rows_total", MetricType::kCounter, "Rows read.\nPer hunt \\ status.",
                  {"hunt", "status"});
  metrics.declare("aihunt_up", MetricType::kGauge, "Up.");
  metrics.declare("aihunt_page_seconds", MetricType::kHistogram, "Page time.", {"hunt"},
                  {0.5, 0.1, 1});
  metrics.add("aihunt_rows_total", {"proxy \"ai\"", "200"}, 3);
  metrics.add("aihunt_rows_total", {"a\\b\nc", "500"});
  metrics.set("aihunt_up", {}, 1);
  metrics.observe("aihunt_page_seconds", {"x"}, 0.05);
  metrics.observe("aihunt_page_seconds", {"x"}, 0.5);
  metrics.observe("aihunt_page_seconds", {"x"}, 3);
  CHECK(metrics.render() ==
        "# HELP aihunt_metrics_misuse_total Metric updates and declarations ignored as "
        "programming errors, by metric and reason.\n"
        "# TYPE aihunt_metrics_misuse_total counter\n"
        "# HELP aihunt_page_seconds Page time.\n"
        "# TYPE aihunt_page_seconds histogram\n"
        "aihunt_page_seconds_bucket{hunt=\"x\",le=\"0.1\"} 1\n"
        "aihunt_page_seconds_bucket{hunt=\"x\",le=\"0.5\"} 2\n"
        "aihunt_page_seconds_bucket{hunt=\"x\",le=\"1\"} 2\n"
        "aihunt_page_seconds_bucket{hunt=\"x\",le=\"+Inf\"} 3\n"
        "aihunt_page_seconds_sum{hunt=\"x\"} 3.55\n"
        "aihunt_page_seconds_count{hunt=\"x\"} 3\n"
        "# HELP aihunt_rows_total Rows read.\\nPer hunt \\\\ status.\n"
        "# TYPE aihunt_rows_total counter\n"
        "aihunt_rows_total{hunt=\"a\\\\b\\nc\",status=\"500\"} 1\n"
        "aihunt_rows_total{hunt=\"proxy \\\"ai\\\"\",status=\"200\"} 3\n"
        "# HELP aihunt_up Up.\n"
        "# TYPE aihunt_up gauge\n"
        "aihunt_up 1\n");
  const PromExposition exposition = parsed(metrics);
  CHECK(exposition.family("aihunt_rows_total")->help == "Rows read.\nPer hunt \\ status.");
  CHECK(exposition.value("aihunt_rows_total", {{"hunt", "a\\b\nc"}, {"status", "500"}}) == 1);
}

TEST_CASE("unlabelled families exist from their declaration") {
  Metrics metrics;
  metrics.declare("c_total", MetricType::kCounter, "c");
  metrics.declare("h", MetricType::kHistogram, "h", {}, {1});
  const PromExposition exposition = parsed(metrics);
  CHECK(exposition.value("c_total") == 0);
  CHECK(exposition.value("h_bucket", {{"le", "1"}}) == 0);
  CHECK(exposition.value("h_bucket", {{"le", "+Inf"}}) == 0);
  CHECK(exposition.value("h_count") == 0);
  CHECK(exposition.value("h_sum") == 0);
}

TEST_CASE("a removed gauge series is no longer exported; counters are not removed") {
  Metrics metrics;
  metrics.declare("lag", MetricType::kGauge, "lag", {"hunt"});
  metrics.declare("runs_total", MetricType::kCounter, "runs", {"hunt"});
  metrics.set("lag", {"gone"}, 5);
  metrics.set("lag", {"kept"}, 7);
  metrics.add("runs_total", {"gone"});
  metrics.removeGauge("lag", {"gone"});
  metrics.removeGauge("runs_total", {"gone"});  // not a gauge: stays
  metrics.removeGauge("lag", {"never"});
  metrics.removeGauge("unknown", {"x"});
  const PromExposition exposition = parsed(metrics);
  CHECK_FALSE(exposition.value("lag", {{"hunt", "gone"}}).has_value());
  CHECK(exposition.value("lag", {{"hunt", "kept"}}) == 7);
  CHECK(exposition.value("runs_total", {{"hunt", "gone"}}) == 1);
  // Set again, it is exported again.
  metrics.set("lag", {"gone"}, 1);
  CHECK(parsed(metrics).value("lag", {{"hunt", "gone"}}) == 1);
}

TEST_CASE("histogram buckets count values up to and including their bound") {
  Metrics metrics;
  // Unsorted, repeated and non-finite bounds are normalised.
  metrics.declare("lat_seconds", MetricType::kHistogram, "Latency.", {"op"},
                  {5, 1, 2, 1, std::numeric_limits<double>::infinity(), std::nan("")});
  for (const double value :
       {0.5, 1.0, 1.5, 5.0, 7.0, -3.0, std::numeric_limits<double>::infinity()}) {
    metrics.observe("lat_seconds", {"read"}, value);
  }
  const PromExposition exposition = parsed(metrics);
  const auto bucket = [&](const std::string& le) {
    return exposition.value("lat_seconds_bucket", {{"op", "read"}, {"le", le}});
  };
  CHECK(bucket("1") == 3);  // 0.5, 1, -3
  CHECK(bucket("2") == 4);
  CHECK(bucket("5") == 5);
  CHECK(bucket("+Inf") == 7);
  CHECK_FALSE(bucket("10").has_value());
  CHECK(exposition.value("lat_seconds_count", {{"op", "read"}}) == 7);
  CHECK(std::isinf(*exposition.value("lat_seconds_sum", {{"op", "read"}})));
  CHECK(metrics.value("lat_seconds", {"read"}) == 7);

  Metrics defaults;
  defaults.declare("d_seconds", MetricType::kHistogram, "Defaults.");
  defaults.observe("d_seconds", {}, 0.2);
  defaults.observe("d_seconds", {}, 0.3);
  const PromExposition with_defaults = parsed(defaults);
  CHECK(with_defaults.value("d_seconds_bucket", {{"le", "0.005"}}) == 0);
  CHECK(with_defaults.value("d_seconds_bucket", {{"le", "0.25"}}) == 1);
  CHECK(with_defaults.value("d_seconds_bucket", {{"le", "10"}}) == 2);
  CHECK(defaults.histogramSum("d_seconds") == Approx(0.5));
}

TEST_CASE("generated names and hostile label values round-trip through the strict parser") {
  std::mt19937 random(20261202);
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           "0",
                                           " ",
                                           "\\",
                                           "\"",
                                           "\n",
                                           "\\n",
                                           "\\\"",
                                           "{",
                                           "}",
                                           ",",
                                           "=",
                                           "#",
                                           "\t",
                                           "\r",
                                           "caf\xC3\xA9",
                                           "\xE2\x82\xAC",
                                           "\xF0\x9F\x98\x80",
                                           "le",
                                           "+Inf",
                                           "NaN",
                                           ""};
  const auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  const std::string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
  int serial = 0;
  // Unique prefixes, so that no two generated families collide (a histogram's _count, say).
  const auto generated_name = [&](bool label) {
    std::string name = (label ? "l" : (pick(2) == 0 ? "m" : ":m")) + std::to_string(serial++) + "_";
    const std::string alphabet = label ? letters : letters + ":";
    for (std::size_t i = 1 + pick(12); i > 0; --i) name += alphabet[pick(alphabet.size())];
    return name;
  };
  for (int round = 0; round < 20; ++round) {
    Metrics metrics;
    struct Declared {
      std::string name;
      MetricType type;
      std::vector<std::string> label_names;
    };
    std::vector<Declared> declared;
    std::set<std::string> used;
    for (int f = 0; f < 8; ++f) {
      const std::string name = generated_name(false);
      if (!used.insert(name).second) continue;
      const auto type = static_cast<MetricType>(pick(3));
      std::vector<std::string> label_names;
      std::set<std::string> label_set;
      const std::size_t label_count = pick(4);
      while (label_names.size() < label_count) {
        std::string label = generated_name(true);
        if (label_set.insert(label).second) label_names.push_back(label);
      }
      std::string help;
      for (std::size_t i = pick(6); i > 0; --i) help += pieces[pick(pieces.size())];
      metrics.declare(name, type, help, label_names, {0.25, 1, 4});
      declared.push_back({name, type, label_names});
    }
    std::map<std::pair<std::size_t, LabelValues>, double> expected;
    for (int update = 0; update < 200; ++update) {
      const std::size_t index = pick(declared.size());
      const Declared& family = declared[index];
      LabelValues labels;
      for (std::size_t i = 0; i < family.label_names.size(); ++i) {
        std::string value;
        for (std::size_t j = pick(5); j > 0; --j) value += pieces[pick(pieces.size())];
        labels.push_back(value);
      }
      const double amount = static_cast<double>(pick(100)) / 4;
      if (family.type == MetricType::kCounter) {
        metrics.add(family.name, labels, amount);
        expected[{index, labels}] += amount;
      } else if (family.type == MetricType::kGauge) {
        metrics.set(family.name, labels, amount);
        expected[{index, labels}] = amount;
      } else {
        metrics.observe(family.name, labels, amount);
        expected[{index, labels}] += 1;
      }
    }
    const PromExposition exposition = parsed(metrics);
    CHECK(exposition.value(std::string(kMisuse)) == std::nullopt);  // labelled: no series
    CHECK(exposition.family(kMisuse)->samples.empty());
    for (const auto& [key, value] : expected) {
      const Declared& family = declared[key.first];
      const LabelValues& labels = key.second;
      CHECK(metrics.value(family.name, labels) == value);
      PromLabels expected_labels;
      for (std::size_t i = 0; i < labels.size(); ++i) {
        expected_labels[family.label_names[i]] = labels[i];
      }
      const std::string sample =
          family.type == MetricType::kHistogram ? family.name + "_count" : family.name;
      INFO(sample);
      CHECK(exposition.value(sample, expected_labels) == value);
    }
    CHECK(exposition.families.size() == declared.size() + 1);
  }
}

TEST_CASE("invalid UTF-8 in label values is replaced, not passed through") {
  Metrics metrics;
  metrics.declare("u_total", MetricType::kCounter, "u", {"v"});
  metrics.add("u_total", {"bad\xFF"
                          "byte"});
  metrics.add("u_total", {"bad\xFE"
                          "byte"});  // the same series once replaced
  metrics.add("u_total", {"cut\xE2\x82"});
  const PromExposition exposition = parsed(metrics);
  CHECK(exposition.value("u_total", {{"v",
                                      "bad\xEF\xBF\xBD"
                                      "byte"}}) == 2);
  CHECK(exposition.value("u_total", {{"v", "cut\xEF\xBF\xBD\xEF\xBF\xBD"}}) == 1);
  CHECK(metrics.value("u_total", {"bad\xFF"
                                  "byte"}) == 2);
}

TEST_CASE("misuse is ignored and counted, never fatal") {
  Metrics metrics;
  metrics.declare("c_total", MetricType::kCounter, "c", {"a"});
  metrics.declare("g", MetricType::kGauge, "g");
  metrics.declare("h", MetricType::kHistogram, "h", {}, {1});

  metrics.add("nope_total");
  metrics.add("c_total", {});
  metrics.add("c_total", {"x", "y"});
  metrics.add("c_total", {"x"}, -1);
  metrics.add("c_total", {"x"}, std::nan(""));
  metrics.set("c_total", {"x"}, 5);
  metrics.observe("g", {}, 1);
  metrics.add("h", {}, 1);
  metrics.observe("h", {}, std::nan(""));
  CHECK(misuse(metrics, "nope_total", "undeclared") == 1);
  CHECK(misuse(metrics, "c_total", "label_count") == 2);
  CHECK(misuse(metrics, "c_total", "bad_delta") == 2);
  CHECK(misuse(metrics, "c_total", "wrong_type") == 1);
  CHECK(misuse(metrics, "g", "wrong_type") == 1);
  CHECK(misuse(metrics, "h", "wrong_type") == 1);
  CHECK(misuse(metrics, "h", "nan_observation") == 1);
  CHECK(metrics.value("c_total", {"x"}) == 0);
  CHECK(metrics.value("h") == 0);

  // Gauges take any delta.
  metrics.add("g", {}, -2.5);
  CHECK(metrics.value("g") == -2.5);

  parsed(metrics);
}

TEST_CASE("new series beyond the per-family cap are dropped and counted") {
  Metrics metrics(3);
  metrics.declare("c_total", MetricType::kCounter, "c", {"a"});
  metrics.add("c_total", {"1"});
  metrics.add("c_total", {"2"});
  metrics.add("c_total", {"3"});
  metrics.add("c_total", {"4"});
  metrics.add("c_total", {"1"});
  CHECK(metrics.value("c_total", {"1"}) == 2);
  CHECK(metrics.value("c_total", {"4"}) == 0);
  CHECK(misuse(metrics, "c_total", "series_limit") == 1);
  // The misuse family is capped as well: past 3 series, misuse goes uncounted, harmlessly.
  metrics.add("a_total");
  metrics.add("b_total");
  metrics.add("d_total");
  CHECK(misuse(metrics, "a_total", "undeclared") == 1);
  CHECK(misuse(metrics, "b_total", "undeclared") == 1);
  CHECK(misuse(metrics, "d_total", "undeclared") == 0);
  parsed(metrics);
}

TEST_CASE("bad declarations are refused and counted") {
  Metrics metrics;
  metrics.declare("ok_total", MetricType::kCounter, "ok", {"a"});
  metrics.declare("ok_total", MetricType::kCounter, "ok", {"a"});  // identical: a no-op
  CHECK(misuse(metrics, "ok_total", "bad_declaration") == 0);
  metrics.declare("ok_total", MetricType::kGauge, "ok", {"a"});
  metrics.declare("ok_total", MetricType::kCounter, "other help", {"a"});
  CHECK(misuse(metrics, "ok_total", "bad_declaration") == 2);

  metrics.declare("1bad", MetricType::kGauge, "x");
  metrics.declare("has space", MetricType::kGauge, "x");
  metrics.declare("", MetricType::kGauge, "x");
  metrics.declare("lbl", MetricType::kGauge, "x", {"__reserved"});
  metrics.declare("lbl2", MetricType::kGauge, "x", {"a:b"});
  metrics.declare("dup", MetricType::kGauge, "x", {"a", "a"});
  metrics.declare("hist", MetricType::kHistogram, "x", {"le"});
  metrics.declare("lat", MetricType::kHistogram, "x");
  metrics.declare("lat_count", MetricType::kGauge, "collides with lat's _count");
  metrics.declare("x_sum", MetricType::kGauge, "x");
  metrics.declare("x", MetricType::kHistogram, "collides with x_sum");
  for (const char* name :
       {"1bad", "has space", "", "lbl", "lbl2", "dup", "hist", "lat_count", "x"}) {
    INFO(name);
    CHECK(misuse(metrics, name, "bad_declaration") == 1);
  }
  // A histogram may have "le" only as its bucket label; gauges may use it.
  metrics.declare("g_le", MetricType::kGauge, "x", {"le"});
  metrics.set("g_le", {"3"}, 1);
  CHECK(metrics.value("g_le", {"3"}) == 1);
  // Refused families stay undeclared.
  metrics.set("lat_count", {}, 1);
  CHECK(misuse(metrics, "lat_count", "undeclared") == 1);
  parsed(metrics);
}

TEST_CASE("concurrent updates add up") {
  Metrics metrics;
  metrics.declare("work_total", MetricType::kCounter, "w", {"worker"});
  metrics.declare("shared_total", MetricType::kCounter, "s");
  metrics.declare("level", MetricType::kGauge, "l");
  metrics.declare("size", MetricType::kHistogram, "s", {}, {10, 100});
  constexpr int kThreads = 8;
  constexpr int kUpdates = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      const LabelValues labels{std::to_string(t % 3)};
      for (int i = 0; i < kUpdates; ++i) {
        metrics.add("work_total", labels);
        metrics.add("shared_total", {}, 0.5);
        metrics.add("level", {}, (i % 2 == 0) ? 1 : -1);
        metrics.observe("size", {}, static_cast<double>(i % 200));
        if (i % 1000 == 0) (void)metrics.render();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(metrics.value("work_total", {"0"}) == 3 * kUpdates);
  CHECK(metrics.value("work_total", {"1"}) == 3 * kUpdates);
  CHECK(metrics.value("work_total", {"2"}) == 2 * kUpdates);
  CHECK(metrics.value("shared_total") == kThreads * kUpdates * 0.5);
  CHECK(metrics.value("level") == 0);
  CHECK(metrics.value("size") == kThreads * kUpdates);
  const PromExposition exposition = parsed(metrics);
  CHECK(exposition.value("size_bucket", {{"le", "10"}}) == kThreads * (kUpdates / 200) * 11);
  CHECK(exposition.value("size_bucket", {{"le", "+Inf"}}) == kThreads * kUpdates);
}

TEST_CASE("the strict parser accepts well-formed text") {
  const char* good[] = {
      "",
      "# just a comment\n\n",
      "# TYPE a counter\na 1\n",
      ("# HELP a doc with \\\\ and \\n\n# TYPE a gauge\na{x=\"1\",y=\"\\\"\\\\\\n\",} -2.5 "
       "1700000000000\n"),
      "# TYPE a untyped\na NaN\n  a{b=\"c\"}\t+Inf  \n",
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n",
      "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 2\ns_count 3\n",
  };
  for (const char* text : good) {
    INFO(text);
    const auto result = parsePrometheusText(text);
    CHECK(result.ok());
  }
  const auto result = parsePrometheusText(
      "# HELP a x\n# TYPE a gauge\na{x=\"q\\\"\\n\\\\\"} 1.5e3\n# TYPE b counter\nb 2\n");
  REQUIRE(result.ok());
  CHECK(result->value("a", {{"x", "q\"\n\\"}}) == 1500);
  CHECK(result->family("a")->help == "x");
  CHECK(result->family("b")->type == "counter");
}

TEST_CASE("the strict parser rejects malformed text") {
  const char* bad[] = {
      "# TYPE a counter\na 1",                                           // no final line feed
      "a 1\n",                                                           // no TYPE'd family
      "# HELP a x\na 1\n",                                               // HELP is not TYPE
      "# TYPE a counter\n# TYPE a counter\na 1\n",                       // second TYPE
      "# HELP a x\n# HELP a y\n# TYPE a gauge\n",                        // second HELP
      "# TYPE a gauge\na 1\n# HELP a late\n",                            // HELP after samples
      "# TYPE a gauge\na 1\n# TYPE a gauge\n",                           // TYPE after samples
      "# TYPE a widget\n",                                               // unknown type
      "# TYPE a gauge extra\n",                                          // too many tokens
      "# TYPE 1a gauge\n",                                               // bad name
      "# HELP a bad \\t escape\n",                                       // bad HELP escape
      "# TYPE a gauge\na{x=\"\\t\"} 1\n",                                // bad label escape
      "# TYPE a gauge\na{x=\"open} 1\n",                                 // unterminated value
      "# TYPE a gauge\na{x=1} 1\n",                                      // unquoted value
      "# TYPE a gauge\na{x=\"1\" y=\"2\"} 1\n",                          // missing comma
      "# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n",                          // repeated label
      "# TYPE a gauge\na{1x=\"1\"} 1\n",                                 // bad label name
      "# TYPE a gauge\na{,} 1\n",                                        // empty label
      "# TYPE a gauge\na\n",                                             // no value
      "# TYPE a gauge\na 1 2 3\n",                                       // too many tokens
      "# TYPE a gauge\na one\n",                                         // bad value
      "# TYPE a gauge\na inf\n",                                         // not +Inf
      "# TYPE a gauge\na 1 1.5\n",                                       // bad timestamp
      "# TYPE a gauge\na{x=\"1\"}1\n",                                   // no blank before value
      "# TYPE a gauge\na 1\na 2\n",                                      // duplicate sample
      "# TYPE a gauge\na{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n",    // duplicate, reordered
      "# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x=\"2\"} 1\n",        // interrupted group
      "# TYPE a counter\na -1\n",                                        // negative counter
      "# TYPE a gauge\na \xFF\n",                                        // not UTF-8
      "# TYPE h histogram\nh 1\n",                                       // bare histogram sample
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",  // no +Inf
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
      "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",  // count != +Inf
      "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",           // no _sum
      "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\n",             // no _count
      ("# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\n"
       "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"),  // not ascending
      "# TYPE h histogram\nh_bucket 1\n",                 // bucket without le
      "# TYPE h histogram\nh_bucket{le=\"x\"} 1\n",       // bad le
      "# TYPE h histogram\nh_sum{le=\"1\"} 1\n",          // le off a bucket
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(parsePrometheusText(text).ok());
  }
}
