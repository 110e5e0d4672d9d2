// `aihunt triage` on worker threads against its serial loop, on generated rows: the same bytes
// out, the same counts, and the same stop (and counts at it) when a row is bad, a row is too
// large or the output fails part-way, wherever that falls relative to the batches.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <algorithm>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "config/detection_settings_builder.h"
#include "core/usable_cores.h"
#include "detection/finding_json.h"
#include "results/byte_source.h"
#include "service/finding_writer.h"
#include "service/triage.h"
#include "service/triage_workers.h"

namespace {

using aihunt::detection::Finding;
namespace core = aihunt::core;
namespace detection = aihunt::detection;
namespace results = aihunt::results;
namespace service = aihunt::service;

// Watched column names that the seed mapping does not read, and the row each first appears at:
// in the first batch (512 rows), in later ones (so that different workers see them first), and
// two in one batch in the opposite order to this list.
const std::vector<std::pair<std::string, std::size_t>> kUnread = {{"ProcessCommandLine", 5},
                                                                  {"Url_Full", 700},
                                                                  {"Destination_URL", 1300},
                                                                  {"TargetUrl", 2100},
                                                                  {"Process CommandLine", 2050}};

constexpr std::size_t kSecondsEvery = 97;

// Rows of the seed query's shape: scripts and browsers on AI hosts, key-bearing command lines,
// benign rows, rows an exception (live or expired) covers, aihunt's own events, and now and then
// a column nothing reads (which the triage reports in the order rows first hold them).
std::string generatedRows(std::uint32_t seed, std::size_t count,
                          const std::string& separator = "\n") {
  std::mt19937 random(seed);
  const auto pick = [&](std::size_t n) {
    return static_cast<std::size_t>(random() % static_cast<std::uint32_t>(n));
  };
  const std::vector<std::string> hosts = {"api.openai.com", "api.anthropic.com", "chatgpt.com",
                                          "example.org", "generativelanguage.googleapis.com"};
  const std::vector<std::string> apps = {
      "C:\\\\Python311\\\\python.exe", "/usr/bin/curl",
      "C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe", "/usr/bin/node",
      "C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe"};
  std::string rows;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) rows += separator;
    const std::string source = pick(7) == 0 ? "10.99.0." + std::to_string(pick(250))
                                            : "10.1.2." + std::to_string(pick(250));
    // One row in kSecondsEvery gives its time in epoch seconds, as some exports do.
    const std::int64_t time = i % kSecondsEvery == 5
                                  ? 1764547200 + static_cast<std::int64_t>(i)
                                  : 1764547200000 + static_cast<std::int64_t>(i) * 1000;
    rows += R"({"EventTime":)" + std::to_string(time) + R"(,"sourceip":")" + source +
            R"(","username":"user)" + std::to_string(pick(9)) + R"(",)";
    for (const auto& [name, first] : kUnread) {
      if (i == first || (i > first && pick(200) == 0)) rows += "\"" + name + "\":\"x\",";
    }
    if (pick(50) == 0) rows += R"("log_source_type":"aihunt",)";
    if (pick(2) == 0) {
      const std::string& host = hosts[pick(hosts.size())];
      rows += R"("DestinationURL":"https://)" + host +
              "/v1/chat/completions?n=" + std::to_string(pick(1000)) +
              R"(","InitiatingApplication":")" + apps[pick(apps.size())] + R"(","BytesSent":)" +
              std::to_string(pick(3000000));
    } else {
      rows += R"("Hostname":"ws-)" + std::to_string(pick(30)) + R"(","InitiatingApplication":")" +
              apps[pick(apps.size())] +
              R"(","CommandLine":"python -c \"import openai\" --key sk-)" +
              std::string(20 + pick(30), static_cast<char>('a' + pick(26))) +
              (pick(3) == 0 ? " OPENAI_API_KEY=abc" : " run.py") + R"(")";
    }
    rows += "}";
  }
  return rows + separator;
}

detection::DetectionSettings settingsWithException() {
  auto settings = aihunt::config::builtinDetectionSettings();
  REQUIRE(settings);
  detection::ExceptionRule rule;
  rule.id = "lab";
  rule.reason = "test";
  rule.owner = "secops";
  rule.source_cidrs.push_back(*detection::Cidr::parse("10.99.0.0/16"));
  settings->exceptions.push_back(rule);
  detection::ExceptionRule expired = rule;
  expired.id = "old";
  expired.source_cidrs.clear();
  expired.user_globs = {"user8"};
  expired.expires = 1000;  // long before the run's "now"
  settings->exceptions.push_back(expired);
  return std::move(*settings);
}

// A writer into memory, failing at its `fail_at`-th finding (0: never); `records` says whether
// it lets workers format its records.
class MemoryWriter final : public service::FindingWriter {
 public:
  MemoryWriter(bool records, std::size_t fail_at) : records_(records), fail_at_(fail_at) {}
  core::Status write(const Finding& finding) override {
    if (++written_ == fail_at_) return core::makeError(core::ErrorCode::kIo, "disk full");
    formatRecord(finding, text);
    return {};
  }
  [[nodiscard]] bool formatsRecords() const override { return records_; }
  void formatRecord(const Finding& finding, std::string& out) const override {
    detection::appendFindingJson(out, finding);
    out += '\n';
  }
  core::Status writeRecord(std::string_view record) override {
    if (++written_ == fail_at_) return core::makeError(core::ErrorCode::kIo, "disk full");
    text += record;
    return {};
  }
  core::Status finish() override { return {}; }
  std::string text;

 private:
  bool records_;
  std::size_t fail_at_;
  std::size_t written_ = 0;
};

struct Outcome {
  std::string output;
  service::TriageTally tally;
};

Outcome triage(const std::string& rows, unsigned threads, bool records, std::size_t fail_at = 0,
               std::size_t max_row_bytes = 4U << 20) {
  static const detection::DetectionSettings settings = settingsWithException();
  const detection::FieldMapping mapping = detection::FieldMapping::seedDefaults();
  service::TriageOptions options;
  options.now = 1764547200000;
  options.show_suppressed = true;
  options.watched_columns = {"CommandLine"};
  for (const auto& entry : kUnread) options.watched_columns.push_back(entry.first);
  options.limits.max_row_bytes = max_row_bytes;
  results::MemoryByteSource source(rows);
  results::RowSplitter splitter(source, options.limits);
  MemoryWriter writer(records, fail_at);
  Outcome outcome;
  outcome.tally =
      threads == 0
          ? service::triageInOrder(splitter, settings, mapping, writer, options)
          : service::triageOnWorkers(splitter, settings, mapping, writer, options, threads);
  outcome.output = std::move(writer.text);
  return outcome;
}

void requireSame(const Outcome& serial, const Outcome& parallel) {
  REQUIRE(parallel.output == serial.output);
  const auto& a = serial.tally;
  const auto& b = parallel.tally;
  CHECK(b.counts.rows == a.counts.rows);
  CHECK(b.counts.rows_with_event_time == a.counts.rows_with_event_time);
  CHECK(b.counts.rows_with_early_time == a.counts.rows_with_early_time);
  CHECK(b.counts.detectable_rows == a.counts.detectable_rows);
  CHECK(b.counts.stats.events == a.counts.stats.events);
  CHECK(b.counts.stats.findings == a.counts.stats.findings);
  CHECK(b.counts.stats.suppressed == a.counts.stats.suppressed);
  CHECK(b.counts.stats.browser_events_skipped == a.counts.stats.browser_events_skipped);
  CHECK(b.counts.stats.expired_exception_hits == a.counts.stats.expired_exception_hits);
  CHECK(b.counts.stats.own_events_skipped == a.counts.stats.own_events_skipped);
  CHECK(b.counts.stats.unknown_reference_set_checks == a.counts.stats.unknown_reference_set_checks);
  CHECK(b.counts.suppressed_per_rule == a.counts.suppressed_per_rule);
  CHECK(b.watched_seen == a.watched_seen);
  CHECK(b.unread_columns == a.unread_columns);
  REQUIRE(b.failure.has_value() == a.failure.has_value());
  if (a.failure) {
    CHECK(b.failure->message == a.failure->message);
    CHECK(b.failure->code == a.failure->code);
  }
}

}  // namespace

TEST_CASE("workers write what the serial loop writes, in input order, with its counts") {
  for (const std::uint32_t seed : {1U, 2U, 3U}) {
    const std::size_t count = 2500 + seed * 517;
    const std::string rows = generatedRows(seed, count);
    const Outcome serial = triage(rows, 0, true);
    // The rows hold findings, suppressed ones, browsers and unread columns: a real comparison.
    REQUIRE(serial.tally.counts.stats.findings > 500);
    REQUIRE(serial.tally.counts.stats.suppressed > 50);
    REQUIRE(serial.tally.counts.stats.browser_events_skipped > 50);
    REQUIRE(serial.tally.counts.stats.expired_exception_hits > 10);
    REQUIRE(serial.tally.counts.stats.own_events_skipped > 10);
    // Rows whose time is in epoch seconds are counted (the command warns of them).
    REQUIRE(serial.tally.counts.rows_with_early_time ==
            (count - 5 + kSecondsEvery - 1) / kSecondsEvery);
    REQUIRE(serial.tally.counts.rows_with_event_time == count);
    // Every unread name, in the order rows first held them, whichever worker saw each first.
    REQUIRE(serial.tally.unread_columns ==
            std::vector<std::string>{"ProcessCommandLine", "Url_Full", "Destination_URL",
                                     "Process CommandLine", "TargetUrl"});
    REQUIRE_FALSE(serial.tally.failure);
    for (const unsigned threads : {1U, 2U, 3U, 5U}) {
      for (const bool records : {true, false}) {
        INFO("seed " << seed << ", " << threads << " workers, records " << records);
        requireSame(serial, triage(rows, threads, records));
      }
    }
  }
}

TEST_CASE("a bad row stops the workers where it stops the serial loop") {
  const std::string good = generatedRows(7, 1500);
  std::vector<std::size_t> line_starts = {0};
  for (std::size_t i = 0; i + 1 < good.size(); ++i) {
    if (good[i] == '\n') line_starts.push_back(i + 1);
  }
  // Around the batch boundaries (512 rows) and elsewhere.
  for (const std::size_t bad : {std::size_t{0}, std::size_t{1}, std::size_t{511}, std::size_t{512},
                                std::size_t{513}, std::size_t{1024}, std::size_t{1499}}) {
    std::string rows = good;
    rows.insert(line_starts[bad], "{\"EventTime\": oops}\n");
    const Outcome serial = triage(rows, 0, true);
    REQUIRE(serial.tally.failure);
    REQUIRE(serial.tally.counts.rows == bad);
    for (const unsigned threads : {1U, 2U, 4U}) {
      INFO("bad row " << bad << ", " << threads << " workers");
      requireSame(serial, triage(rows, threads, true));
    }
  }
}

TEST_CASE("a row past --max-row-bytes stops the workers after the rows before it") {
  std::string rows = generatedRows(8, 1200);
  const std::size_t at = rows.find('\n', rows.size() / 2) + 1;
  rows.insert(at, "{\"CommandLine\":\"" + std::string(5000, 'x') + "\"}\n");
  const Outcome serial = triage(rows, 0, true, 0, 2048);
  REQUIRE(serial.tally.failure);
  for (const unsigned threads : {1U, 3U}) requireSame(serial, triage(rows, threads, true, 0, 2048));
}

TEST_CASE("an output that fails part-way leaves the counts of the rows up to that finding") {
  const std::string rows = generatedRows(9, 2500);
  for (const std::size_t fail_at :
       {std::size_t{1}, std::size_t{77}, std::size_t{400}, std::size_t{1001}}) {
    for (const bool records : {true, false}) {
      const Outcome serial = triage(rows, 0, records, fail_at);
      REQUIRE(serial.tally.failure);
      REQUIRE(serial.tally.counts.rows < 2500);
      for (const unsigned threads : {1U, 2U, 4U}) {
        INFO("fails at finding " << fail_at << ", " << threads << " workers, records " << records);
        requireSame(serial, triage(rows, threads, records, fail_at));
      }
    }
  }
}

TEST_CASE("every output format writes the same bytes from workers as from the serial loop") {
  const std::string rows = generatedRows(11, 2000);
  for (const auto format :
       {service::OutputFormat::kJsonl, service::OutputFormat::kCsv, service::OutputFormat::kJson}) {
    std::string outputs[2];
    for (const unsigned threads : {1U, 3U}) {
      // A real file: the held output hands its spool over with sendfile(2).
      std::FILE* out = std::tmpfile();
      REQUIRE(out != nullptr);
      {
        auto writer = service::makeFindingWriter(format, out);
        REQUIRE(writer->formatsRecords());
        static const detection::DetectionSettings settings = settingsWithException();
        service::TriageOptions options;
        options.threads = threads;
        results::MemoryByteSource source(rows);
        const auto report = service::runTriage(
            source, settings, detection::FieldMapping::seedDefaults(), *writer, options);
        REQUIRE_FALSE(report.failure);
        const auto finished = writer->finishRun(service::RunReport{});
        INFO((finished ? std::string() : finished.error().message));
        REQUIRE(finished);
      }
      std::string& text = outputs[threads == 1 ? 0 : 1];
      std::rewind(out);
      char chunk[4096];
      for (std::size_t got = 0; (got = std::fread(chunk, 1, sizeof chunk, out)) > 0;) {
        text.append(chunk, got);
      }
      std::fclose(out);
    }
    REQUIRE(outputs[0].size() > 10000);
    CHECK(outputs[1] == outputs[0]);
  }
}

TEST_CASE("an Ariel results document, whole or broken off, is read alike by workers") {
  const std::string rows = generatedRows(12, 2200, ",\n");
  const std::string document = R"({"events":[)" + rows.substr(0, rows.size() - 2) + "]}";
  const Outcome serial = triage(document, 0, true);
  REQUIRE_FALSE(serial.tally.failure);
  REQUIRE(serial.tally.counts.rows == 2200);
  for (const unsigned threads : {1U, 3U}) requireSame(serial, triage(document, threads, true));
  // Garbage between two rows in the middle: the splitter's error, after the rows before it.
  std::string broken = document;
  broken.insert(broken.find("},\n", broken.size() / 2) + 2, "#");
  const Outcome stopped = triage(broken, 0, true);
  REQUIRE(stopped.tally.failure);
  REQUIRE(stopped.tally.counts.rows > 500);
  for (const unsigned threads : {1U, 3U}) requireSame(stopped, triage(broken, threads, true));
}

TEST_CASE("the held output's cap stops workers at the finding the serial loop stops at") {
  const std::string rows = generatedRows(13, 3000);
  static const detection::DetectionSettings settings = settingsWithException();
  std::vector<service::TriageReport> reports;
  for (const unsigned threads : {1U, 4U}) {
    std::FILE* out = std::tmpfile();
    REQUIRE(out != nullptr);
    service::HoldOptions hold;
    hold.max_bytes = 300'000;  // a few hundred findings
    auto writer = service::makeFindingWriter(service::OutputFormat::kJsonl, out, hold);
    service::TriageOptions options;
    options.threads = threads;
    results::MemoryByteSource source(rows);
    reports.push_back(service::runTriage(source, settings, detection::FieldMapping::seedDefaults(),
                                         *writer, options));
    std::fclose(out);
  }
  REQUIRE(reports[0].failure);
  REQUIRE(service::isOutputLimit(*reports[0].failure));
  REQUIRE(reports[0].rows < 3000);
  REQUIRE(reports[1].failure);
  CHECK(reports[1].failure->message == reports[0].failure->message);
  CHECK(reports[1].rows == reports[0].rows);
  CHECK(reports[1].stats.findings == reports[0].stats.findings);
  CHECK(reports[1].stats.suppressed == reports[0].stats.suppressed);
}

TEST_CASE("the default is a worker per usable core, and one thread under ulimit -v") {
  const std::string rows = generatedRows(14, 600);
  static const detection::DetectionSettings settings = settingsWithException();
  const auto run = [&] {
    std::FILE* out = std::tmpfile();
    auto writer = service::makeFindingWriter(service::OutputFormat::kJsonl, out);
    results::MemoryByteSource source(rows);
    const auto report =
        service::runTriage(source, settings, detection::FieldMapping::seedDefaults(), *writer, {});
    std::fclose(out);
    return report.threads;
  };
  CHECK(run() == std::min(service::kMaxDefaultTriageThreads, aihunt::core::usableCores()));
  rlimit before{};
  REQUIRE(getrlimit(RLIMIT_AS, &before) == 0);
  // A limit, though one that holds nothing back: each thread's arena and stack reserve address
  // space, so any limit makes the default one thread.
  rlimit limited = before;
  limited.rlim_cur = before.rlim_max == RLIM_INFINITY ? RLIM_INFINITY - 1 : before.rlim_max;
  REQUIRE(setrlimit(RLIMIT_AS, &limited) == 0);
  const unsigned under_limit = run();
  REQUIRE(setrlimit(RLIMIT_AS, &before) == 0);
  CHECK(under_limit == 1U);
}
