// Fuzzes the findings reader (results/finding_reader.h) that `aihunt incidents` runs over files
// it is given: any bytes must give a finding or an error, never a crash. A finding it accepts,
// written again by the findings writer and read once more, must come back as the same bytes:
// the reader keeps every field the writer writes, and accepts what the writer writes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "detection/finding_json.h"
#include "results/finding_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    auto finding = aihunt::results::parseFinding(line);
    if (!finding.ok()) continue;
    std::string written;
    aihunt::detection::appendFindingJson(written, *finding);
    auto again = aihunt::results::parseFinding(written);
    if (!again.ok()) __builtin_trap();  // the writer's own output refused
    std::string rewritten;
    aihunt::detection::appendFindingJson(rewritten, *again);
    if (rewritten != written) __builtin_trap();  // a field lost or changed on the way
  }
  return 0;
}
