#pragma once
// The bundled sample events `copies` times over as JSON Lines, each copy a second later than the
// one before: distinct findings (an event's time is part of a finding's id), as many as a test
// of output limits needs (200 copies make about 5,000 findings, well past 1 MiB of output).
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process_runner.h"

namespace aihunt::testing {

inline std::string manySampleEvents(int copies) {
  std::ifstream sample(sourcePath("content/samples/events.jsonl"));
  std::vector<nlohmann::json> events;
  for (std::string line; std::getline(sample, line);) {
    if (!line.empty()) events.push_back(nlohmann::json::parse(line));
  }
  std::string out;
  for (int copy = 0; copy < copies; ++copy) {
    for (nlohmann::json event : events) {
      event["starttime"] = event["starttime"].get<std::int64_t>() + copy * 1000;
      out += event.dump() + "\n";
    }
  }
  return out;
}

}  // namespace aihunt::testing
