// The fast flat-row path against simdjson (DecodePath::kFullParserOnly) on generated rows: the
// same verdict and, when both accept, the same event. Rows are built from valid and invalid
// pieces (escapes, \u, control characters, odd numbers, literals, nesting, whitespace, UTF-8)
// and decoded by long-lived decoders, so the key-order cache is exercised across rows too.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "results/flat_row.h"
#include "results/row_decoder.h"

using namespace aihunt;

namespace {

std::string pick(std::mt19937& random, const std::vector<std::string>& choices) {
  return choices[random() % choices.size()];
}

std::string randomString(std::mt19937& random) {
  static const std::vector<std::string> pieces = {"a",
                                                  "CORP\\\\user",
                                                  "C:\\\\Python311\\\\python.exe",
                                                  "\\\"",
                                                  "\\/",
                                                  "\\n",
                                                  "\\t",
                                                  "\\b",
                                                  "\\u00e9",
                                                  "\\ud83d\\ude00",
                                                  "\\q",
                                                  "\xC3\xA9",
                                                  "\xE2\x82\xAC",
                                                  "\xC3",
                                                  "\x01",
                                                  "\x7F",
                                                  " ",
                                                  "https://api.openai.com/v1?x=1&y=2",
                                                  "0123456789abcdef",
                                                  "\\"};
  std::string text;
  const std::size_t count = random() % 6;
  for (std::size_t i = 0; i < count; ++i) text += pieces[random() % pieces.size()];
  return text;
}

std::string randomValue(std::mt19937& random) {
  switch (random() % 4) {
    case 0:
      return "\"" + randomString(random) + "\"";
    case 1:
      return pick(random, {"0", "443", "-1", "2150", "1.5E3", "1795692188000", "01", "1.", "-",
                           "1e", "1e+9", "-0.0", "12abc", "99999999999999999999"});
    case 2:
      return pick(random, {"true", "false", "null", "nul", "truex", "NULL"});
    default:
      return pick(random, {"[1,2]", "{\"x\":\"y\"}", "[]", "{}", "\"open", ""});
  }
}

std::string randomRow(std::mt19937& random) {
  // Mostly the seed's columns (in a stable order, as Ariel sends them), sometimes others.
  static const std::vector<std::string> keys = {
      "EventTime",       "sourceip",       "username",
      "destinationport", "DestinationURL", "InitiatingApplication",
      "BytesSent",       "CommandLine",    "Unmapped",
      "k\\u0065y",       "sourceip"};
  static const std::vector<std::string> spaces = {"", "", "", " ", "\t", "\r\n", "\x0B"};
  std::string row = pick(random, spaces) + "{";
  const std::size_t members = random() % 9;
  for (std::size_t i = 0; i < members; ++i) {
    if (i > 0) row += pick(random, spaces) + ",";
    const std::string& key = random() % 5 == 0 ? keys[random() % keys.size()] : keys[i];
    row += pick(random, spaces) + "\"" + key + "\"" + pick(random, spaces) + ":" +
           pick(random, spaces) + randomValue(random);
  }
  row += pick(random, spaces) + "}" + pick(random, {"", "", " ", "x", ",", "}"});
  return row;
}

bool sameEvent(const detection::Event& a, const detection::Event& b) {
  return a.values == b.values && a.bytes_sent == b.bytes_sent &&
         a.destination_port == b.destination_port && a.event_time_ms == b.event_time_ms;
}

}  // namespace

TEST_CASE("the fast path and simdjson agree on generated rows") {
  const auto mapping = detection::FieldMapping::seedDefaults();
  results::RowDecoder fast(mapping, results::DecodePath::kFastWhenFlat);
  results::RowDecoder full(mapping, results::DecodePath::kFullParserOnly);
  std::mt19937 random(20261126);
  std::size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string row = randomRow(random);
    detection::Event from_fast, from_full;
    const auto fast_status = fast.decode(row, from_fast);
    const auto full_status = full.decode(row, from_full);
    INFO("row " << round << ": " << row);
    REQUIRE(static_cast<bool>(fast_status) == static_cast<bool>(full_status));
    if (!fast_status) {
      CHECK(fast_status.error().message == full_status.error().message);
      continue;
    }
    ++accepted;
    CHECK(sameEvent(from_fast, from_full));
    // Both keep the keys seen at each position across rows (up to four a position, the rows'
    // keys vary here): a decoder that has seen no row before reads this one the same.
    results::RowDecoder fresh(mapping, results::DecodePath::kFullParserOnly);
    detection::Event from_fresh;
    REQUIRE(fresh.decode(row, from_fresh));
    CHECK(sameEvent(from_fresh, from_full));
  }
  // The generator must produce both verdicts in quantity, and the fast path must take a good
  // share of the accepted rows itself, or the comparison proves little.
  CHECK(accepted > 1000);
  CHECK(accepted < 19000);
  CHECK(fast.fastPathRows() > accepted / 4);
  CHECK(full.fastPathRows() == 0);
}

TEST_CASE("a string's end, escape or control character is found wherever it falls") {
  // Strings are scanned sixteen bytes at a time, then eight, then one: put each stop (and bytes
  // that must not stop the scan: DEL, UTF-8) at every offset across those steps.
  results::FlatRowScanner scanner;
  const auto scanValue = [&](const std::string& row, std::string& value) {
    value.clear();
    return scanner.scan(
        row, [](std::size_t) { return std::string_view(); },
        [&](std::size_t, const results::FlatMember& member) { value = member.value; });
  };
  for (std::size_t offset = 0; offset < 40; ++offset) {
    INFO("offset " << offset);
    const std::string before(offset, 'a');
    std::string value;
    REQUIRE(scanValue("{\"k\":\"" + before + "\"}", value));
    CHECK(value == before);
    REQUIRE(scanValue("{\"k\":\"" + before + "\\\\x\"}", value));
    CHECK(value == before + "\\x");
    REQUIRE(scanValue("{\"k\":\"" + before + "\x7F\xC3\xA9" + before + "\"}", value));
    CHECK(value == before + "\x7F\xC3\xA9" + before);
    CHECK_FALSE(scanValue("{\"k\":\"" + before + "\x1F" + "tail\"}", value));
    CHECK_FALSE(scanValue("{\"k\":\"" + before + '\0' + "tail\"}", value));
  }
}
