#pragma once
// For tests of the output cap (--max-output), online and offline: enough findings to pass it, and
// what the JSON document of a run stopped by it must say.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process_runner.h"

namespace aihunt::testing {

// The bundled sample events `copies` times over as JSON Lines, each copy a second later than the
// one before: distinct findings (an event's time is part of a finding's id); 200 copies make
// about 5,000 findings, well past 1 MiB of output.
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

// The --format json document of a run stopped by a 1 MiB cap: it parses, says the run is
// incomplete, holds no findings, and every hunt either failed with the cap's error or found
// nothing (and so lost nothing); the hunts that ran keep their counts.
inline void checkCappedDocument(const std::string& out) {
  const nlohmann::json document = nlohmann::json::parse(out, nullptr, false);
  REQUIRE_FALSE(document.is_discarded());
  CHECK(document["complete"] == false);
  CHECK(document["findings"].empty());
  REQUIRE_FALSE(document["hunts"].empty());
  for (const nlohmann::json& hunt : document["hunts"]) {
    INFO(hunt.dump());
    if (hunt["status"] == "ok") {
      CHECK(hunt["findings"] == 0);
    } else {
      CHECK(hunt["status"] == "failed");
      const auto error = hunt["error"].get<std::string>();
      CHECK(error.find("1048576 bytes") != std::string::npos);
      // A hunt that ran says what it read, also when its findings were lost; one that did not
      // run read nothing.
      if (error.rfind("not run", 0) == 0) {
        CHECK(hunt["rows"] == 0);
      } else {
        CHECK(hunt["rows"] > 0);
        CHECK(hunt["findings"] > 0);
      }
    }
  }
}

}  // namespace aihunt::testing
