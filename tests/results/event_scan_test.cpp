// The parallel scan against the single-threaded evaluator (aql::evaluateJsonl) on generated
// events: the same rows in the same order for every query shape whose result depends on how
// events are combined (ORDER BY with ties, LIMIT, GROUP BY with aggregates, HAVING, SELECT *),
// at several thread counts and chunk sizes small enough that every chunk boundary is crossed.
// Then compressed input: gzip and zstd read by magic bytes, truncation and corruption as errors.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <regex>
#include <sstream>

#include "aql/evaluator.h"
#include "aql/parser.h"
#include "results/decompress.h"
#include "results/event_scan.h"
#include "tests/results/event_lines.h"

using namespace aihunt;

namespace {

struct Outcome {
  bool ok = false;
  std::string error;
  std::vector<std::string> columns;
  std::vector<aql::Row> rows;
};

aql::EvalOptions evalOptions() {
  aql::EvalOptions options;
  options.now = 2'000'000;
  options.range = aql::TimeRange{1'001'000, 1'005'000};  // cuts off the first start time
  return options;
}

aql::Query parsed(const std::string& text) {
  auto query = aql::parse(text);
  if (!query.ok()) FAIL(query.error().message);
  return std::move(query.value());
}

Outcome singleThreaded(const std::string& text, const std::string& events) {
  std::istringstream in(events);
  Outcome out;
  auto columns = aql::evaluateJsonl(parsed(text), in, evalOptions(),
                                    [&](aql::Row&& row) { out.rows.push_back(std::move(row)); });
  out.ok = columns.ok();
  if (columns.ok()) out.columns = *columns;
  if (!columns.ok()) out.error = columns.error().message;
  return out;
}

Outcome scanned(const std::string& text, results::ByteSource& source,
                results::EventScanOptions scan, results::EventScanStats* stats = nullptr) {
  Outcome out;
  auto columns = results::scanEvents(
      source, parsed(text), evalOptions(),
      [&](aql::Row&& row) { out.rows.push_back(std::move(row)); }, scan, stats);
  out.ok = columns.ok();
  if (columns.ok()) out.columns = *columns;
  if (!columns.ok()) out.error = columns.error().message;
  return out;
}

Outcome scannedText(const std::string& text, const std::string& events,
                    results::EventScanOptions scan) {
  results::MemoryByteSource source(events);
  return scanned(text, source, scan);
}

std::vector<std::vector<aql::Value>> values(const Outcome& outcome) {
  std::vector<std::vector<aql::Value>> out;
  for (const aql::Row& row : outcome.rows) out.push_back(row.values);
  return out;
}

void requireSame(const Outcome& expected, const Outcome& actual) {
  REQUIRE(actual.ok == expected.ok);
  CHECK(actual.error == expected.error);
  CHECK(actual.columns == expected.columns);
  CHECK(values(actual) == values(expected));
}

// Long queries are split over lines, which the missing-comma check takes for a slip.
// NOLINTBEGIN(bugprone-suspicious-missing-comma)
const std::vector<std::string> kQueries = {
    // ORDER BY on a column with many ties: the input order must break them.
    "SELECT sourceip, username, starttime FROM events ORDER BY starttime DESC LIMIT 25",
    "SELECT sourceip, \"Application\" FROM events ORDER BY sourceip, starttime",
    // A streaming LIMIT: the first matching events in input order.
    "SELECT username, \"Bytes Sent\" FROM events WHERE LOWER(\"Application\") LIKE '%py%' "
    "LIMIT 40",
    "SELECT username FROM events WHERE sourceip = '10.0.0.2'",
    // Aggregates, including double sums whose rounding depends on the order of addition.
    "SELECT sourceip, COUNT(*) AS n, SUM(\"Bytes Sent\") AS sent, SUM(ratio) AS r, "
    "AVG(ratio) AS a, MIN(username) AS lo, MAX(\"Application\") AS hi, "
    "UNIQUECOUNT(username) AS users FROM events GROUP BY sourceip ORDER BY n DESC",
    "SELECT username, \"Application\", COUNT(*) AS n FROM events GROUP BY username, "
    "\"Application\" HAVING n > 3",
    "SELECT COUNT(*) AS n, SUM(ratio) AS r FROM events WHERE ratio > 0.15",
    "SELECT username, SUM(ratio) AS r FROM events GROUP BY username ORDER BY r LIMIT 3",
    // SELECT *: the columns are every property seen.
    "SELECT * FROM events ORDER BY starttime LIMIT 10",
    "SELECT sourceip FROM events LIMIT 0",
    // Terms the prefilter reads on the raw line (event_prefilter.h), and terms it must not.
    "SELECT username, starttime FROM events WHERE (LOWER(\"Application\") LIKE '%python%' OR "
    "LOWER(\"Application\") LIKE '%curl%' OR LOWER(application) LIKE '%node%') AND username "
    "ILIKE '%a%' ORDER BY starttime DESC LIMIT 30",
    "SELECT username FROM events WHERE NOT (LOWER(\"Application\") LIKE '%py%') OR "
    "username = 'alice'",
};
// NOLINTEND(bugprone-suspicious-missing-comma)

}  // namespace

TEST_CASE("the parallel scan returns the single-threaded evaluator's rows") {
  std::mt19937 random(2026);
  for (int round = 0; round < 6; ++round) {
    // Lines the full parser rejects (1e400) end a round early; keep most rounds clean.
    std::string events = testing::eventLines(random, 1500);
    if (round % 2 == 0) {
      std::string clean;
      std::istringstream lines(events);
      for (std::string line; std::getline(lines, line);) {
        if (line.find("1e400") == std::string::npos) clean += line + "\n";
      }
      events = clean;
    }
    for (const std::string& query : kQueries) {
      const Outcome expected = singleThreaded(query, events);
      for (const unsigned threads : {1U, 2U, 5U}) {
        for (const std::size_t chunk : {std::size_t{1}, std::size_t{700}, std::size_t{1} << 20}) {
          INFO("round " << round << ", " << threads << " threads, chunks of " << chunk << ": "
                        << query);
          // The prefilter never changes a result: on, off, or left to decide.
          const results::PrefilterUse use = threads == 1   ? results::PrefilterUse::kAlways
                                            : threads == 2 ? results::PrefilterUse::kAuto
                                                           : results::PrefilterUse::kNever;
          requireSame(expected, scannedText(query, events, {threads, chunk, use}));
        }
      }
    }
  }
}

TEST_CASE("a bad line stops the scan with its line number, after the rows before it") {
  const std::string events =
      "{\"starttime\":1001000,\"username\":\"a\"}\n\n"
      "{\"starttime\":1002000,\"username\":\"b\"}\r\n"
      "{\"starttime\":1003000,\"username\":\n"
      "{\"starttime\":1004000,\"username\":\"d\"}\n";
  const std::string query = "SELECT username FROM events";
  const Outcome expected = singleThreaded(query, events);
  REQUIRE_FALSE(expected.ok);
  CHECK(expected.error.find("events line 4") != std::string::npos);
  for (const unsigned threads : {1U, 3U}) {
    const Outcome actual = scannedText(query, events, {threads, 16});
    requireSame(expected, actual);
    CHECK(actual.rows.size() == 2);
  }
}

TEST_CASE("a line that is not UTF-8 is read with U+FFFD in place of what cannot be, and counted") {
  // One planted event with a stray byte must neither fail the hunt nor be passed over (with
  // --skip-bad-lines): it is searched like the others. A lone surrogate escape, as Java-built
  // JSON can carry, likewise. Every query shape, thread count and prefilter use gives the
  // single-threaded evaluator's rows.
  const std::string fffd = "\xEF\xBF\xBD";
  std::mt19937 random(2026);
  std::string events;
  std::uint64_t line_number = 0;
  std::uint64_t planted = 0;
  std::uint64_t first_planted = 0;
  std::istringstream generated(testing::eventLines(random, 600));
  for (std::string line; std::getline(generated, line);) {
    if (!singleThreaded("SELECT username FROM events", line + "\n").ok) continue;  // 1e400
    ++line_number;
    const auto user = line.find("\"username\":\"");
    if (user != std::string::npos && random() % 9 == 0) {
      // A flaw at the start of the user's name: the query's ILIKE '%a%' still reads the rest.
      const std::size_t at = user + 12;
      line.insert(at, random() % 2 == 0 ? std::string("\xff\xfe") : std::string("\\udc00"));
      if (planted++ == 0) first_planted = line_number;
    }
    events += line + "\n";
  }
  REQUIRE(planted > 5);
  for (const std::string& query : kQueries) {
    const Outcome expected = singleThreaded(query, events);
    REQUIRE(expected.ok);
    const bool reads_all = query.find("LIMIT") == std::string::npos;
    for (const unsigned threads : {1U, 2U, 3U}) {
      for (const std::size_t chunk : {std::size_t{1}, std::size_t{900}}) {
        INFO(threads << " threads, chunks of " << chunk << ": " << query);
        results::EventScanOptions scan{threads, chunk};
        scan.prefilter =
            threads == 2 ? results::PrefilterUse::kAlways : results::PrefilterUse::kNever;
        results::MemoryByteSource source(events);
        results::EventScanStats stats;
        requireSame(expected, scanned(query, source, scan, &stats));
        CHECK(stats.skipped == 0);
        if (!reads_all) continue;
        CHECK(stats.repaired == planted);
        CHECK(stats.first_repaired_line == first_planted);
      }
    }
  }
  // The repaired names are among the rows, U+FFFD where the flaw was.
  const Outcome users = singleThreaded("SELECT username FROM events", events);
  const auto repaired =
      std::count_if(users.rows.begin(), users.rows.end(), [&](const aql::Row& row) {
        return row.values[0].kind() == aql::Value::Kind::kString &&
               row.values[0].asString().rfind(fffd, 0) == 0;
      });
  CHECK(repaired > 0);
}

TEST_CASE("a line that is not UTF-8 nor JSON is refused, naming the encoding") {
  // A UTF-16 export's bytes: repaired, they are still not JSON. The likelier fault is named.
  const std::string events =
      "{\"starttime\":1001000,\"username\":\"a\"}\n"
      "{\"starttime\":1002000,\"username\":\"b\xff\xfe\"\n";
  const std::string query = "SELECT username FROM events";
  const Outcome expected = singleThreaded(query, events);
  REQUIRE_FALSE(expected.ok);
  CHECK(expected.error.find("events line 2: not valid JSON, and not valid UTF-8 either") !=
        std::string::npos);
  for (const unsigned threads : {1U, 2U}) {
    const Outcome actual = scannedText(query, events, {threads, 16});
    REQUIRE_FALSE(actual.ok);
    CHECK(actual.error.find("events line 2: not valid JSON, and not valid UTF-8 either") !=
          std::string::npos);
  }
}

TEST_CASE("with skip_bad_lines, bad lines are counted and the rows are those of the good ones") {
  const std::vector<std::string> bad = {"{\"starttime\":1002000,\"username\":",
                                        "not json",
                                        "[1, 2]",
                                        "\"text\"",
                                        "{\"starttime\":1002000,\"username\":\"b\xff\"",
                                        "{\"starttime\":1003000}}"};
  std::mt19937 random(77);
  for (int round = 0; round < 3; ++round) {
    std::string clean;
    std::istringstream generated(testing::eventLines(random, 900));
    for (std::string line; std::getline(generated, line);) {
      // The generator makes some lines bad on purpose (1e400); only good ones are kept here.
      if (singleThreaded("SELECT username FROM events", line + "\n").ok) clean += line + "\n";
    }
    // The same lines with bad ones between them; the first bad line's number is remembered.
    std::string dirty;
    std::uint64_t line_number = 0;
    std::uint64_t inserted = 0;
    std::uint64_t first_bad = 0;
    std::istringstream lines(clean);
    for (std::string line; std::getline(lines, line);) {
      if (random() % 60 == 0) {
        dirty += bad[random() % bad.size()] + "\n";
        ++line_number;
        ++inserted;
        if (first_bad == 0) first_bad = line_number;
      }
      dirty += line + "\n";
      ++line_number;
    }
    REQUIRE(inserted > 3);
    for (const std::string& query : kQueries) {
      const Outcome expected = singleThreaded(query, clean);
      REQUIRE(expected.ok);
      // A LIMIT may end the scan before the last bad lines; the rest read them all.
      const bool reads_all = query.find("LIMIT") == std::string::npos;
      for (const unsigned threads : {1U, 2U, 5U}) {
        for (const std::size_t chunk : {std::size_t{1}, std::size_t{700}, std::size_t{1} << 20}) {
          INFO("round " << round << ", " << threads << " threads, chunks of " << chunk << ": "
                        << query);
          results::EventScanOptions scan{threads, chunk};
          scan.prefilter =
              threads == 2 ? results::PrefilterUse::kAlways : results::PrefilterUse::kNever;
          scan.skip_bad_lines = true;
          results::MemoryByteSource source(dirty);
          results::EventScanStats stats;
          requireSame(expected, scanned(query, source, scan, &stats));
          CHECK_FALSE(stats.input_error);
          if (!reads_all) continue;
          CHECK(stats.skipped == inserted);
          REQUIRE(stats.first_skipped.has_value());
          CHECK(stats.first_skipped->message.rfind(
                    "events line " + std::to_string(first_bad) + ": ", 0) == 0);
        }
      }
    }
  }
  // Without it, the first bad line fails the scan.
  results::MemoryByteSource source("{\"starttime\":1002000}\nnot json\n");
  results::EventScanStats stats;
  const Outcome failed = scanned("SELECT username FROM events", source, {1, 8}, &stats);
  CHECK_FALSE(failed.ok);
  CHECK(stats.input_error);
  CHECK(stats.skipped == 0);
}

TEST_CASE("the scan counts events, matches and lines the full parser decoded") {
  const std::string events =
      "{\"starttime\":1001000,\"username\":\"a\"}\n"
      "{\"starttime\":1002000,\"username\":\"b\",\"tags\":[1]}\n"
      "{\"starttime\":5,\"username\":\"c\"}\n";
  results::MemoryByteSource source(events);
  results::EventScanStats stats;
  const Outcome outcome = scanned("SELECT username FROM events", source, {2, 8}, &stats);
  REQUIRE(outcome.ok);
  CHECK(stats.events == 3);
  CHECK(stats.matched == 2);
  CHECK(stats.fallbacks == 1);
  CHECK(stats.settled == 1);  // the third: its start time is outside the window
}

TEST_CASE("a stop from the sink ends the scan after the chunk in hand") {
  std::string events;
  for (int i = 0; i < 2000; ++i) {
    events += "{\"starttime\":1002000,\"username\":\"u" + std::to_string(i) + "\"}\n";
  }
  for (const unsigned threads : {1U, 2U}) {
    INFO(threads << " threads");
    results::MemoryByteSource source(events);
    std::atomic<bool> stop{false};
    results::EventScanOptions scan{threads, 256};  // about 7 events a chunk
    scan.stop = &stop;
    results::EventScanStats stats;
    std::size_t rows = 0;
    auto columns = results::scanEvents(
        source, parsed("SELECT username FROM events ORDER BY username"), evalOptions(),
        [&](aql::Row&&) { ++rows; }, scan, &stats);
    REQUIRE(columns.ok());
    CHECK(rows == 2000);  // no stop: every row, at the query's end
    results::MemoryByteSource again(events);
    rows = 0;
    std::size_t seen = 0;
    columns = results::scanEvents(
        again, parsed("SELECT username FROM events"), evalOptions(),
        [&](aql::Row&&) {
          ++rows;
          if (++seen == 10) stop = true;
        },
        scan, &stats);
    REQUIRE(columns.ok());
    CHECK(columns.value() == std::vector<std::string>{"username"});
    CHECK(rows >= 10);
    CHECK(rows < 200);  // the chunk in hand (and, with threads, those read ahead), not the file
  }
}

TEST_CASE("lines settled on the raw text count toward the window's events as decoded ones do") {
  std::mt19937 random(77);
  std::string events;  // without the lines the full parser rejects, which would end it early
  std::istringstream lines(testing::eventLines(random, 3000));
  for (std::string line; std::getline(lines, line);) {
    if (line.find("e400") == std::string::npos && line.find("e-400") == std::string::npos &&
        line.find("0000000000") == std::string::npos) {
      events += line + "\n";
    }
  }
  const std::string query =
      "SELECT username FROM events WHERE LOWER(\"Application\") LIKE '%python%' OR "
      "LOWER(\"Application\") LIKE '%curl%'";
  aql::EventTimes expected_times;
  std::istringstream in(events);
  aql::EvalOptions options = evalOptions();
  options.times = &expected_times;
  std::vector<aql::Row> expected_rows;
  auto expected = aql::evaluateJsonl(parsed(query), in, options,
                                     [&](aql::Row&& row) { expected_rows.push_back(row); });
  for (const unsigned threads : {1U, 2U}) {
    aql::EventTimes times;
    options.times = &times;
    results::MemoryByteSource source(events);
    results::EventScanStats stats;
    std::vector<aql::Row> rows;
    auto columns = results::scanEvents(
        source, parsed(query), options, [&](aql::Row&& row) { rows.push_back(row); },
        {threads, 4096, results::PrefilterUse::kAlways}, &stats);
    INFO((expected.ok() ? std::string() : expected.error().message));
    REQUIRE(expected.ok());
    REQUIRE(columns.ok());
    CHECK(rows.size() == expected_rows.size());
    CHECK(times.events == expected_times.events);
    CHECK(times.in_window == expected_times.in_window);
    CHECK(times.earliest == expected_times.earliest);
    CHECK(times.latest == expected_times.latest);
    // Most lines never reach the decoder; the ones that may match do.
    CHECK(stats.settled > stats.events / 2);
    CHECK(stats.settled + stats.matched <= stats.events);
  }
}

TEST_CASE("the prefilter is left aside while it settles too few lines, and used when it pays") {
  // Every line matches: the prefilter can settle none, and would only read each line twice.
  std::string matching;
  std::string settleable;
  for (int i = 0; i < 60'000; ++i) {
    matching += R"({"starttime":1002000,"Application":"python.exe","username":"u)" +
                std::to_string(i) + "\"}\n";
    settleable += R"({"starttime":1002000,"Application":"chrome.exe","username":"u)" +
                  std::to_string(i) + "\"}\n";
  }
  const std::string query = "SELECT username FROM events WHERE LOWER(\"Application\") LIKE '%py%'";
  const auto scan = [&](const std::string& events, results::PrefilterUse use) {
    results::MemoryByteSource source(events);
    results::EventScanStats stats;
    const Outcome outcome = scanned(query, source, {2, 1U << 16, use}, &stats);
    REQUIRE(outcome.ok);
    CHECK(stats.events == 60'000);
    return stats;
  };
  const results::EventScanStats automatic = scan(matching, results::PrefilterUse::kAuto);
  CHECK(automatic.matched == 60'000);
  CHECK(automatic.settled == 0);
  CHECK(automatic.tried > 0);
  CHECK(automatic.tried < automatic.events / 5);
  CHECK(scan(matching, results::PrefilterUse::kAlways).tried == 60'000);
  CHECK(scan(matching, results::PrefilterUse::kNever).tried == 0);

  const results::EventScanStats paying = scan(settleable, results::PrefilterUse::kAuto);
  CHECK(paying.matched == 0);
  CHECK(paying.tried == 60'000);
  CHECK(paying.settled == 60'000);
}

namespace {

std::string gzipped(const std::string& text) {
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&stream, text.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string zstded(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const std::size_t size = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  REQUIRE(ZSTD_isError(size) == 0U);
  out.resize(size);
  return out;
}

Outcome scannedCompressed(const std::string& query, const std::string& bytes,
                          results::Compression expected_kind) {
  auto source = results::decompressing(std::make_unique<results::MemoryByteSource>(bytes));
  REQUIRE(source.ok());
  results::Compression kind = results::Compression::kNone;
  auto again = results::decompressing(std::make_unique<results::MemoryByteSource>(bytes), &kind);
  CHECK(kind == expected_kind);
  return scanned(query, **source, {2, 4096});
}

}  // namespace

TEST_CASE("gzip and zstd events are read by their magic bytes") {
  std::mt19937 random(7);
  std::string events;
  for (int i = 0; i < 3000; ++i) {
    const std::string line = testing::eventLine(random);
    aql::Schema schema;
    if (line.find('{') == std::string::npos || aql::parseEventJson(line, schema).ok()) {
      events += line + "\n";  // only lines the full parser takes: the whole file is read
    }
  }
  const std::string& query = kQueries.front();
  const Outcome expected = singleThreaded(query, events);
  REQUIRE(expected.ok);
  REQUIRE_FALSE(expected.rows.empty());
  requireSame(expected, scannedCompressed(query, events, results::Compression::kNone));
  requireSame(expected, scannedCompressed(query, gzipped(events), results::Compression::kGzip));
  requireSame(expected, scannedCompressed(query, zstded(events), results::Compression::kZstd));

  SECTION("concatenated gzip members and zstd frames are one stream") {
    const std::size_t half = events.find('\n', events.size() / 2) + 1;
    const std::string first = events.substr(0, half);
    const std::string second = events.substr(half);
    requireSame(expected, scannedCompressed(query, gzipped(first) + gzipped(second),
                                            results::Compression::kGzip));
    requireSame(expected, scannedCompressed(query, zstded(first) + zstded(second),
                                            results::Compression::kZstd));
  }
  SECTION("a truncated or corrupt stream is an error, not a shorter input") {
    for (const auto& [name, bytes] :
         {std::pair{"gzip", gzipped(events)}, std::pair{"zstd", zstded(events)}}) {
      for (const std::size_t cut : {bytes.size() - 1, bytes.size() / 2, std::size_t{5}}) {
        INFO(name << " cut at " << cut);
        const Outcome outcome =
            scannedCompressed(query, bytes.substr(0, cut),
                              std::string(name) == "gzip" ? results::Compression::kGzip
                                                          : results::Compression::kZstd);
        CHECK_FALSE(outcome.ok);
        CHECK(outcome.error.find("corrupt or truncated") != std::string::npos);
        // How far the file was read: nothing for a cut in the header, else some whole lines
        // and never more than the file holds.
        std::smatch after;
        const bool says_line =
            std::regex_search(outcome.error, after, std::regex(R"(\(after events line (\d+)\))"));
        if (cut == 5) {
          CHECK(outcome.error.find("(before the first events line)") != std::string::npos);
        } else {
          REQUIRE(says_line);
          const auto line = std::stoull(after[1].str());
          const auto lines =
              static_cast<std::uint64_t>(std::count(events.begin(), events.end(), '\n'));
          CHECK(line > 0);
          CHECK(line <= lines);
          // gzip's last 8 bytes are its trailer (CRC and size): a cut there leaves every line
          // read. A cut half-way leaves some unread.
          if (std::string(name) == "gzip" && cut == bytes.size() - 1) CHECK(line == lines);
          if (cut == bytes.size() / 2) CHECK(line < lines);
        }
      }
      std::string corrupt = bytes;
      corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
      INFO(name << " corrupted");
      CHECK_FALSE(scannedCompressed(query, corrupt,
                                    std::string(name) == "gzip" ? results::Compression::kGzip
                                                                : results::Compression::kZstd)
                      .ok);
    }
  }
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
// (The sanitizers reserve terabytes of address space at start: they cannot run under a limit.)
TEST_CASE("a worker that runs out of memory hands bad_alloc to the caller, which may catch it") {
  // One event of 96 MB: larger than a malloc arena (64 MB), so every buffer that holds it is
  // mapped on its own and counts against an address-space limit. The reading thread holds the
  // chunk (twice the line's size while it grows); the worker that decodes it copies the value
  // twice more (the event, then the matched copy). Under a limit of 2.5 times the line above
  // what is in use, the reading fits and the worker's allocation fails. Before, that aborted the
  // process (std::terminate from the thread); now the caller gets bad_alloc, as on one thread.
  // In a child process, so that the limit leaves this test binary alone.
  const std::size_t value_bytes = 96U << 20;
  const std::string events =
      R"({"starttime":1002000,"username":")" + std::string(value_bytes, 'b') + "\"}\n";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    long pages = 0;
    if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(statm, "%ld", &pages) != 1) pages = 0;
      std::fclose(statm);
    }
    const auto in_use = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
    const rlim_t allowed = in_use + value_bytes * 5 / 2;
    const rlimit limit{allowed, allowed};
    if (pages == 0 || ::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(3);
    results::MemoryByteSource source(events);
    results::EventScanOptions scan;
    scan.threads = 2;
    scan.chunk_bytes = 16U << 20;  // the chunk grows to the line's end in six steps, not 96
    try {
      const Outcome outcome =
          scanned("SELECT username FROM events WHERE username LIKE '%b%'", source, scan);
      ::_exit(outcome.ok ? 4 : 5);
    } catch (const std::bad_alloc&) {
      ::_exit(42);
    }
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  INFO("wait status " << status);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 42);
}
#endif
