// Fuzzes the raw-event decoder (results/event_decoder.h) that `aihunt hunt --offline` runs over
// exported events, and the decompressing reader in front of it. Each input line is decoded by a
// long-lived decoder (fast path where it can, so its key-position cache carries across lines)
// and by aql's full parser alone; the two must agree on the verdict and on every field. The
// whole input also goes through decompressing() (gzip and zstd magic is easy for the fuzzer to
// find), which must end cleanly or with an error, never crash or hang. And each line goes
// through the prefilter (results/event_prefilter.h) of a query with a window and text demands:
// a line it settles must decode, fail the query's filter, and have the start time it reported.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "aql/evaluator.h"
#include "aql/event.h"
#include "aql/parser.h"
#include "results/decompress.h"
#include "results/event_decoder.h"
#include "results/event_prefilter.h"

namespace {

const aihunt::aql::Schema& schema() {
  static const aihunt::aql::Schema fields = [] {
    aihunt::aql::Schema s;
    for (const char* name : {"starttime", "URL", "Application", "Bytes Sent", "username", "a"}) {
      s.intern(name);
    }
    return s;
  }();
  return fields;
}

// A query whose WHERE the prefilter reads in part (two demands, one over two properties, one
// pattern with LIKE's one-byte wildcard, which demands only its plain run), with a window around
// the start times the corpus uses (1700000000000 and nearby).
aihunt::aql::EventFilter prefilteredQuery(aihunt::aql::Schema& schema) {
  auto query = aihunt::aql::parse(
      "SELECT username FROM events WHERE (LOWER(\"URL\") LIKE '%openai%' OR LOWER(\"URL\") "
      "LIKE '%gr_q%' OR username ILIKE '%root%') AND \"Application\" ILIKE '%py%' AND NOT (a = "
      "'x')");
  if (!query.ok()) __builtin_trap();
  aihunt::aql::EvalOptions options;
  options.range = aihunt::aql::TimeRange{1'000, 1'800'000'000'000};
  auto filter = aihunt::aql::EventFilter::create(*query, schema, options);
  if (!filter.ok() || filter->textDemands().size() != 2) __builtin_trap();
  return std::move(filter.value());
}

void checkPrefilter(std::string_view line) {
  static aihunt::aql::Schema schema;
  static aihunt::aql::EventFilter filter = prefilteredQuery(schema);
  static aihunt::results::EventPrefilter prefilter(filter.range(), filter.textDemands());
  static aihunt::results::EventDecoder decoder(schema);
  const auto settled = prefilter.settle(line, false);
  if (!settled) return;
  auto event = decoder.decode(line);
  if (!event.ok()) __builtin_trap();  // a bad line settled: it would go unreported
  aihunt::aql::EventTimes times;
  times.window = filter.range();
  if (filter.matches(**event, &times)) __builtin_trap();  // a match dropped
  if ((times.events == 1) != settled->start.has_value()) __builtin_trap();
  if (settled->start && times.earliest != *settled->start) __builtin_trap();
}

void drain(std::string_view bytes) {
  auto source =
      aihunt::results::decompressing(std::make_unique<aihunt::results::MemoryByteSource>(bytes));
  if (!source.ok()) return;
  char buffer[4096];
  for (int reads = 0; reads < 1 << 12; ++reads) {  // bounded: a bomb is not a hang
    auto got = (*source)->read(std::span<char>(buffer, sizeof buffer));
    if (!got.ok() || got.value() == 0) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  drain(input);
  aihunt::results::EventDecoder decoder(schema());
  std::string_view rest = input;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    checkPrefilter(line);
    auto full = aihunt::aql::parseEventJsonKnown(line, schema());
    auto fast = decoder.decode(line);
    if (fast.ok() != full.ok()) __builtin_trap();
    if (!fast.ok()) continue;
    full->values.resize(schema().size());
    if ((*fast)->values != full->values) __builtin_trap();
  }
  return 0;
}
