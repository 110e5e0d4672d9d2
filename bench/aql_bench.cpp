// The AQL evaluator against SQLite on the same job: the seed query (verbatim, with an explicit
// 24-hour window) over 1M generated QRadar-shaped events held in memory, and in the same run the
// equivalent SQL over the same rows in an in-memory SQLite table (lookups as joined tables).
// Both sides start from loaded data; neither timing includes loading.
//
//   aql_bench [--events N] [--repeat R]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aql/evaluator.h"
#include "aql/lookups.h"
#include "aql/parser.h"
#include "aql/time_window.h"

namespace {

using Clock = std::chrono::steady_clock;
using aihunt::aql::Value;

constexpr std::int64_t kNow = 1'795'716'000'000;  // 2026-11-26T18:00:00Z
constexpr std::int64_t kDay = 86'400'000;

struct Row {
  std::int64_t starttime;
  std::string sourceip, username, destinationip, url, application;
  std::int64_t destinationport, category, logsourceid, bytes;
};

// Seed-shaped traffic: 30% AI hosts, applications from scripts to browsers, times over two days.
std::vector<Row> generate(std::size_t count) {
  const char* urls[] = {"https://api.openai.com/v1/chat/completions",
                        "https://www.example.com/",
                        "https://api.anthropic.com/v1/messages",
                        "https://login.example.net/",
                        "https://cdn.example.org/x.js",
                        "https://generativelanguage.googleapis.com/v1",
                        "https://intranet.corp/",
                        "https://news.example.com/a"};
  const char* apps[] = {"C:\\Python311\\python.exe",
                        "chrome.exe",
                        "curl.exe",
                        "svchost.exe",
                        "powershell.exe",
                        "msedge.exe",
                        "node.exe",
                        "outlook.exe",
                        "mshta.exe"};
  std::vector<Row> rows;
  rows.reserve(count);
  std::uint32_t state = 12345;
  for (std::size_t i = 0; i < count; ++i) {
    state = state * 1664525 + 1013904223;
    Row row;
    row.starttime = kNow - 2 * kDay + static_cast<std::int64_t>(state % (2 * kDay));
    row.sourceip = "10." + std::to_string(state >> 24) + "." + std::to_string((state >> 16) & 255) +
                   "." + std::to_string((state >> 8) & 255);
    row.username = "user" + std::to_string(state % 5000);
    row.destinationip = "203.0.113." + std::to_string(state % 250);
    row.url = urls[(state >> 3) % 8];
    row.application = apps[(state >> 7) % 9];
    row.destinationport = 443;
    row.category = 7006 + static_cast<std::int64_t>(state % 3);
    row.logsourceid = 100 + static_cast<std::int64_t>(state % 20);
    row.bytes = static_cast<std::int64_t>(state % 100'000);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string readFile(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

double evaluatorSeconds(const std::string& seed_text, const std::vector<Row>& rows, int repeat,
                        std::size_t& result_rows) {
  using namespace aihunt::aql;
  auto query = parse(seed_text);
  if (!query) {
    std::fprintf(stderr, "seed query: %s\n", query.error().message.c_str());
    std::exit(1);
  }
  Schema schema;
  const FieldId starttime = schema.intern("starttime"), sourceip = schema.intern("sourceip"),
                username = schema.intern("username"),
                destinationip = schema.intern("destinationip"),
                destinationport = schema.intern("destinationport"),
                category = schema.intern("category"), logsourceid = schema.intern("logsourceid"),
                url = schema.intern("URL"), application = schema.intern("Application"),
                bytes = schema.intern("Bytes Sent");
  std::vector<Event> events;
  events.reserve(rows.size());
  for (const auto& row : rows) {
    Event event;
    event.set(starttime, Value::integer(row.starttime));
    event.set(sourceip, Value::string(row.sourceip));
    event.set(username, Value::string(row.username));
    event.set(destinationip, Value::string(row.destinationip));
    event.set(destinationport, Value::integer(row.destinationport));
    event.set(category, Value::integer(row.category));
    event.set(logsourceid, Value::integer(row.logsourceid));
    event.set(url, Value::string(row.url));
    event.set(application, Value::string(row.application));
    event.set(bytes, Value::integer(row.bytes));
    events.push_back(std::move(event));
  }
  LookupTables lookups;
  for (int i = 0; i < 3; ++i)
    lookups.category_names[7006 + i] = "Web Category " + std::to_string(i);
  for (int i = 0; i < 20; ++i) lookups.log_source_names[100 + i] = "Proxy " + std::to_string(i);
  EvalOptions options;
  options.now = kNow;
  options.range = TimeRange{kNow - kDay, kNow};
  options.lookups = &lookups;
  double best = 1e9;
  for (int r = 0; r < repeat; ++r) {
    const auto start = Clock::now();
    auto result = evaluate(*query, schema, events, options);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!result) {
      std::fprintf(stderr, "evaluate: %s\n", result.error().message.c_str());
      std::exit(1);
    }
    result_rows = result->rows.size();
    best = std::min(best, seconds);
  }
  return best;
}

// The seed query in SQLite's dialect: the same filters, CASE, ordering and LIMIT; the lookups as
// tables; DATEFORMAT as strftime.
const char* kSqliteSeed = R"(
SELECT strftime('%Y-%m-%d %H:%M:%S', e.starttime / 1000, 'unixepoch') AS EventTime,
       e.sourceip, e.username, e.destinationip, e.destinationport,
       c.name AS EventCategory, l.name AS LogSource,
       e.url AS DestinationURL, e.application AS InitiatingApplication, e.bytes AS BytesSent,
       CASE
         WHEN LOWER(e.application) LIKE '%python%' THEN 'ScriptRuntime'
         WHEN LOWER(e.application) LIKE '%powershell%' OR LOWER(e.application) LIKE '%pwsh%' THEN 'ScriptRuntime'
         WHEN LOWER(e.application) LIKE '%curl%' OR LOWER(e.application) LIKE '%wget%' THEN 'CLI_Transfer'
         WHEN LOWER(e.application) LIKE '%node%' THEN 'ScriptRuntime'
         WHEN LOWER(e.application) LIKE '%mshta%' OR LOWER(e.application) LIKE '%regsvr32%'
           OR LOWER(e.application) LIKE '%rundll32%' THEN 'LOLBin'
         ELSE 'Other'
       END AS ProcessCategory
FROM events e LEFT JOIN categories c ON c.id = e.category LEFT JOIN logsources l ON l.id = e.logsourceid
WHERE e.starttime >= ?1 AND e.starttime < ?2 AND e.starttime > ?2 - 86400000
  AND (LOWER(e.url) LIKE '%api.openai.com%' OR LOWER(e.url) LIKE '%api.anthropic.com%'
    OR LOWER(e.url) LIKE '%generativelanguage.googleapis.com%' OR LOWER(e.url) LIKE '%api.cohere.ai%'
    OR LOWER(e.url) LIKE '%api-inference.huggingface.co%' OR LOWER(e.url) LIKE '%api.mistral.ai%'
    OR LOWER(e.url) LIKE '%api.together.xyz%' OR LOWER(e.url) LIKE '%api.groq.com%'
    OR LOWER(e.url) LIKE '%api.perplexity.ai%' OR LOWER(e.url) LIKE '%api.replicate.com%'
    OR LOWER(e.url) LIKE '%api.stability.ai%' OR LOWER(e.url) LIKE '%api.ai21.com%'
    OR LOWER(e.url) LIKE '%inference.azure.com%')
  AND (LOWER(e.application) LIKE '%python%' OR LOWER(e.application) LIKE '%powershell%'
    OR LOWER(e.application) LIKE '%pwsh%' OR LOWER(e.application) LIKE '%curl%'
    OR LOWER(e.application) LIKE '%wget%' OR LOWER(e.application) LIKE '%node%'
    OR LOWER(e.application) LIKE '%wscript%' OR LOWER(e.application) LIKE '%cscript%'
    OR LOWER(e.application) LIKE '%mshta%' OR LOWER(e.application) LIKE '%regsvr32%'
    OR LOWER(e.application) LIKE '%rundll32%' OR LOWER(e.application) LIKE '%msbuild%')
ORDER BY e.starttime DESC
LIMIT 1000)";

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

double sqliteSeconds(const std::vector<Row>& rows, int repeat, std::size_t& result_rows) {
  sqlite3* db = nullptr;
  check(sqlite3_open(":memory:", &db), db, "open");
  check(sqlite3_exec(db,
                     "CREATE TABLE events(starttime INTEGER, sourceip TEXT, username TEXT, "
                     "destinationip TEXT, destinationport INTEGER, category INTEGER, logsourceid "
                     "INTEGER, url TEXT, application TEXT, bytes INTEGER);"
                     "CREATE TABLE categories(id INTEGER PRIMARY KEY, name TEXT);"
                     "CREATE TABLE logsources(id INTEGER PRIMARY KEY, name TEXT);",
                     nullptr, nullptr, nullptr),
        db, "schema");
  for (int i = 0; i < 3; ++i) {
    const std::string sql = "INSERT INTO categories VALUES(" + std::to_string(7006 + i) +
                            ", 'Web Category " + std::to_string(i) + "')";
    check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db, "lookup");
  }
  for (int i = 0; i < 20; ++i) {
    const std::string sql = "INSERT INTO logsources VALUES(" + std::to_string(100 + i) +
                            ", 'Proxy " + std::to_string(i) + "')";
    check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db, "lookup");
  }
  check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
  sqlite3_stmt* insert = nullptr;
  check(sqlite3_prepare_v2(db, "INSERT INTO events VALUES(?,?,?,?,?,?,?,?,?,?)", -1, &insert,
                           nullptr),
        db, "prepare insert");
  for (const auto& row : rows) {
    sqlite3_bind_int64(insert, 1, row.starttime);
    sqlite3_bind_text(insert, 2, row.sourceip.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 3, row.username.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 4, row.destinationip.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(insert, 5, row.destinationport);
    sqlite3_bind_int64(insert, 6, row.category);
    sqlite3_bind_int64(insert, 7, row.logsourceid);
    sqlite3_bind_text(insert, 8, row.url.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 9, row.application.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(insert, 10, row.bytes);
    check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  sqlite3_stmt* select = nullptr;
  check(sqlite3_prepare_v2(db, kSqliteSeed, -1, &select, nullptr), db, "prepare seed");
  double best = 1e9;
  for (int r = 0; r < repeat; ++r) {
    const auto start = Clock::now();
    sqlite3_bind_int64(select, 1, kNow - kDay);
    sqlite3_bind_int64(select, 2, kNow);
    std::size_t count = 0;
    int rc = 0;
    while ((rc = sqlite3_step(select)) == SQLITE_ROW) ++count;
    check(rc, db, "step");
    sqlite3_reset(select);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
    result_rows = count;
  }
  sqlite3_finalize(select);
  sqlite3_close(db);
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 1'000'000;
  int repeat = 5;
  std::string seed_path = "content/seed_query.aql";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--events" && i + 1 < argc)
      count = std::stoull(argv[++i]);
    else if (arg == "--repeat" && i + 1 < argc)
      repeat = std::stoi(argv[++i]);
    else if (arg == "--seed" && i + 1 < argc)
      seed_path = argv[++i];
    else {
      std::fprintf(stderr, "usage: aql_bench [--events N] [--repeat R] [--seed FILE]\n");
      return 2;
    }
  }
  const std::string seed_text = readFile(seed_path);
  if (seed_text.empty()) {
    std::fprintf(stderr, "cannot read %s (run from the source folder)\n", seed_path.c_str());
    return 1;
  }
  const auto rows = generate(count);
  std::size_t ours_rows = 0, sqlite_rows = 0;
  const double ours = evaluatorSeconds(seed_text, rows, repeat, ours_rows);
  const double theirs = sqliteSeconds(rows, repeat, sqlite_rows);
  std::printf(
      "| events | aihunt AQL evaluator (best of %d) | SQLite %s in-memory (best of %d) | "
      "ratio | rows (ours / SQLite) |\n|---:|---:|---:|---:|---:|\n",
      repeat, sqlite3_libversion(), repeat);
  std::printf("| %zu | %.3f s (%.1f M events/s) | %.3f s (%.1f M events/s) | %.2fx | %zu / %zu |\n",
              count, ours, static_cast<double>(count) / ours / 1e6, theirs,
              static_cast<double>(count) / theirs / 1e6, theirs / ours, ours_rows, sqlite_rows);
  return ours_rows == sqlite_rows ? 0 : 1;
}
