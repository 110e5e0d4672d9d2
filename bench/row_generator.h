#pragma once
// Seed-shaped Ariel result rows for benchmarks: a deterministic mix of AI API use by scripts,
// browsers, benign traffic and exception-covered rows, with varied addresses and times.
#include <cstdint>
#include <string>
#include <vector>

namespace aihunt::bench {

// kProxy: proxy rows with URLs and user agents (the seed's shape). kEndpoint: process
// creation rows (Sysmon 1, 4688) where the command line is the evidence, which is what the
// endpoint hunts read; command lines are where the keyword matching does its work.
// kResults: what the built-in hunts' AQL actually returns. Their prefilter already keeps only
// rows that name an AI host or keyword, so three rows in four become findings; proxy and
// endpoint rows half and half, with URLs and command lines of realistic length.
enum class Mix { kProxy, kEndpoint, kResults };

class RowGenerator {
 public:
  explicit RowGenerator(std::uint32_t seed, Mix mix = Mix::kProxy);
  // Appends one JSONL row (with its newline) to `out`.
  void appendRow(std::string& out);

 private:
  // A row's text around its two slots: head + time + middle + address + tail.
  struct Template {
    std::string head;
    std::string middle;
    std::string tail;
  };
  void addTemplate(const std::string& row, int weight);
  std::vector<Template> templates_;  // one entry per weight unit, so a uniform pick is weighted
  std::uint64_t counter_ = 0;
  std::uint32_t state_;
};

}  // namespace aihunt::bench
