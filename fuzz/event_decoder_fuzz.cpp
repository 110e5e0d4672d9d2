// Fuzzes the raw-event decoder (results/event_decoder.h) that `aihunt hunt --offline` runs over
// exported events, and the decompressing reader in front of it. Each input line is decoded by a
// long-lived decoder (fast path where it can, so its key-position cache carries across lines)
// and by aql's full parser alone; the two must agree on the verdict and on every field. The
// whole input also goes through decompressing() (gzip and zstd magic is easy for the fuzzer to
// find), which must end cleanly or with an error, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "aql/event.h"
#include "results/decompress.h"
#include "results/event_decoder.h"

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
    auto full = aihunt::aql::parseEventJsonKnown(line, schema());
    auto fast = decoder.decode(line);
    if (fast.ok() != full.ok()) __builtin_trap();
    if (!fast.ok()) continue;
    full->values.resize(schema().size());
    if ((*fast)->values != full->values) __builtin_trap();
  }
  return 0;
}
