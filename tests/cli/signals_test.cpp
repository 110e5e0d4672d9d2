// The second signal's note as a JSON log record, formatted without allocating (it is written from
// a signal handler).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/signals.h"

TEST_CASE("the second signal's note is one JSON log record, stamped in UTC") {
  char buffer[512];
  // 2025-11-26T10:00:00.123Z, a leap day and the epoch itself.
  for (const auto& [epoch_ms, stamp] : std::vector<std::pair<std::int64_t, std::string>>{
           {1'764'151'200'123, "2025-11-26T10:00:00.123Z"},
           {1'709'164'799'999, "2024-02-28T23:59:59.999Z"},
           {1'709'164'800'000, "2024-02-29T00:00:00.000Z"},
           {0, "1970-01-01T00:00:00.000Z"}}) {
    const std::size_t length = aihunt::cli::formatJsonSignalNote(epoch_ms, buffer, sizeof buffer);
    REQUIRE(length > 0);
    const std::string line(buffer, length);
    INFO(line);
    CHECK(line.back() == '\n');
    CHECK(line.find('\n') == line.size() - 1);
    const auto record = nlohmann::json::parse(line);
    CHECK(record["ts"] == stamp);
    CHECK(record["level"] == "error");
    CHECK(record["logger"] == "aihunt");
    CHECK(record["msg"].get<std::string>().rfind("a second signal: exiting now", 0) == 0);
  }
  // Too small: nothing written past the buffer, and nothing said to be written.
  CHECK(aihunt::cli::formatJsonSignalNote(0, buffer, 40) == 0);
}
