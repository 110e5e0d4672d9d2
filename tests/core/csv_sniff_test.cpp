#include <catch2/catch.hpp>
#include <string>

#include "core/csv_sniff.h"

using aihunt::core::looksLikeCsvLine;

TEST_CASE("a CSV export's lines read like CSV, JSON's do not") {
  // Header and data lines as spreadsheets and QRadar's Log Activity export write them.
  for (const std::string line :
       {R"("Event Name","Log Source","Start Time","Source IP","URL")", "Start Time,Source IP,URL",
        "\xEF\xBB\xBF\"Start Time\";\"Source IP\";\"URL\"", "Start Time\tSource IP\tURL\r",
        R"("Nov 26, 2026, 9:14:04 AM","10.0.0.7","https://api.openai.com/v1")",
        "10.0.0.7,curl/8.4.0,443"}) {
    INFO(line);
    CHECK(looksLikeCsvLine(line));
  }
  for (const std::string line :
       {R"({"URL": "https://a,b"})", R"([{"a": 1}, {"b": 2}])", "", "   ", "single-column",
        "\"only one, quoted value", "- item, list, more", "\x1f\x8b\x08,,",
        "2026-11-26 09:14:04,123 INFO a, b", "Nov 26 09:14:04 host proxy: GET a, b, c",
        "Start Time,Source IP"}) {
    INFO(line);
    CHECK_FALSE(looksLikeCsvLine(line));
  }
}
