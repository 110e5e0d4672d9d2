// The AQL rows of an offline hunt, for bench/offline_bench.sh to compare with DuckDB's answer to
// the same query: runs a query file over an events file (plain, gzip or zstd JSONL) through the
// scan `aihunt hunt --offline` uses (results/event_scan.h) and prints one JSON object per row,
// then the scan's counters on stderr.
//
//   offline_rows EVENTS AQL_FILE NOW LAST_MS [THREADS]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aql/evaluator.h"
#include "aql/parser.h"
#include "core/time.h"
#include "results/decompress.h"
#include "results/event_scan.h"

using namespace aihunt;

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: offline_rows EVENTS AQL_FILE NOW LAST_MS [THREADS]\n");
    return 2;
  }
  std::ifstream aql_file(argv[2]);
  std::stringstream aql_text;
  aql_text << aql_file.rdbuf();
  auto query = aql::parse(aql_text.str());
  auto now = core::parseTimestamp(argv[3]);
  auto input = results::openInput(argv[1]);
  if (!query.ok() || !now.ok() || !input.ok()) {
    std::fprintf(stderr, "offline_rows: bad query, time or events file\n");
    return 2;
  }
  auto source = results::decompressing(std::move(input.value()));
  if (!source.ok()) return 2;
  aql::EvalOptions options;
  options.now = *now;
  options.range = aql::TimeRange{*now - std::atoll(argv[4]), *now};
  results::EventScanOptions scan;
  if (argc > 5) scan.threads = static_cast<unsigned>(std::atoi(argv[5]));
  std::vector<std::string> columns;
  std::vector<aql::Row> rows;
  results::EventScanStats stats;
  auto run = results::scanEvents(
      **source, *query, options, [&](aql::Row&& row) { rows.push_back(std::move(row)); }, scan,
      &stats);
  if (!run.ok()) {
    std::fprintf(stderr, "offline_rows: %s\n", run.error().message.c_str());
    return 2;
  }
  aql::ResultSet result;
  result.columns = *run;
  result.rows = std::move(rows);
  const auto document = nlohmann::json::parse(aql::toArielJson(result));
  for (const auto& row : document["events"]) std::cout << row.dump() << '\n';
  std::cerr << "events " << stats.events << " matched " << stats.matched << " fallbacks "
            << stats.fallbacks << " rows " << result.rows.size() << '\n';
  return 0;
}
