#pragma once
// Seed-shaped Ariel result rows for benchmarks: a deterministic mix of AI API use by scripts,
// browsers, benign traffic and exception-covered rows, with varied addresses and times.
#include <cstdint>
#include <string>
#include <vector>

namespace aihunt::bench {

class RowGenerator {
 public:
  explicit RowGenerator(std::uint32_t seed);
  // Appends one JSONL row (with its newline) to `out`.
  void appendRow(std::string& out);

 private:
  std::vector<std::string> templates_;  // rows with "%IP%" and "%TIME%" slots, split around them
  std::uint64_t counter_ = 0;
  std::uint32_t state_;
};

}  // namespace aihunt::bench
