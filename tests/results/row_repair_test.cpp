// Rows with text that is not valid UTF-8, or with a lone UTF-16 surrogate escape, are read with
// U+FFFD in place of what cannot be read (core/json_repair.h), and counted; other malformed
// rows still fail. Generated rows: a valid row with one flaw planted in one of its values.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/json_repair.h"
#include "results/row_decoder.h"

using namespace aihunt;
using detection::Event;
using detection::Field;

namespace {

const std::string kFffd = "\xEF\xBF\xBD";

detection::FieldMapping mapping() { return detection::FieldMapping::seedDefaults(); }

}  // namespace

TEST_CASE("valid rows are left as they are") {
  for (const std::string& row :
       {std::string(R"({"a":"plain","b":"caf\u00e9 \ud83d\ude00 \\ud800 \" \\"})"),
        std::string("{\"a\":\"caf\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x82\xAC \xF4\x8F\xBF\xBF\"}"),
        std::string(R"({"a":1,"b":null,"c":[1,"x"]})")}) {
    INFO(row);
    CHECK_FALSE(core::repairedJsonText(row).has_value());
  }
}

TEST_CASE("each flaw is replaced, and nothing else changes") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"a":"x\ud800y"})", R"({"a":"x\ufffdy"})"},          // lone high
      {R"({"a":"x\uDC00y"})", R"({"a":"x\ufffdy"})"},          // lone low
      {R"({"a":"\udc00\ud800"})", R"({"a":"\ufffd\ufffd"})"},  // reversed pair
      {R"({"a":"\ud800\u0041"})", R"({"a":"\ufffd\u0041"})"},  // high, then not a low
      {R"({"a":"\ud800"})", R"({"a":"\ufffd"})"},              // at the string's end
      {R"({"a":"\\\ud800"})", R"({"a":"\\\ufffd"})"},          // after an escaped backslash
      {"{\"a\":\"x\x9By\"}", "{\"a\":\"x" + kFffd + "y\"}"},   // a stray continuation byte
      {"{\"a\":\"\xFF\xFE\"}", "{\"a\":\"" + kFffd + kFffd + "\"}"},
      {"{\"a\":\"\xC0\xAF\"}", "{\"a\":\"" + kFffd + kFffd + "\"}"},              // overlong '/'
      {"{\"a\":\"\xED\xA0\x80\"}", "{\"a\":\"" + kFffd + kFffd + kFffd + "\"}"},  // a surrogate
      {"{\"a\":\"\xF4\x90\x80\x80\"}",
       "{\"a\":\"" + kFffd + kFffd + kFffd + kFffd + "\"}"},          // past U+10FFFF
      {"{\"a\":\"\xE2\x82\"}", "{\"a\":\"" + kFffd + kFffd + "\"}"},  // cut short
  };
  for (const auto& [row, expected] : cases) {
    INFO(row);
    const auto repaired = core::repairedJsonText(row);
    REQUIRE(repaired.has_value());
    CHECK(*repaired == expected);
  }
}

TEST_CASE("a row with a planted flaw is read, with U+FFFD in its place, and counted") {
  results::RowDecoder decoder(mapping());
  Event event;
  std::mt19937 random(20261206);
  const std::vector<std::pair<std::string, std::string>> flaws = {
      {"\\ud800", kFffd}, {"\\udfff", kFffd},          {"\x9B", kFffd},
      {"\xFF", kFffd},    {"\xC0\xAF", kFffd + kFffd}, {"\xED\xBF\xBF", kFffd + kFffd + kFffd}};
  std::uint64_t planted = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto& [flaw, replaced] = flaws[random() % flaws.size()];
    const std::string before = "curl -H \"Authorization: Bearer $KEY\" https://api.openai.com/v1 ";
    const std::string after = std::to_string(random() % 1000);
    const bool plant = random() % 3 != 0;
    const std::string command = before + (plant ? flaw : "") + after;
    std::string row = R"({"sourceip": "10.1.4.21", "username": "u)" + std::to_string(i) +
                      R"(", "CommandLine": ")";
    for (const char c : command) {
      if (c == '"') {
        row += "\\\"";
      } else {
        row += c;
      }
    }
    row += R"(", "BytesSent": 7})";
    INFO(row);
    REQUIRE(decoder.decode(row, event));
    planted += plant ? 1 : 0;
    CHECK(event.get(Field::kCommandLine) == before + (plant ? replaced : "") + after);
    CHECK(event.get(Field::kSourceIp) == "10.1.4.21");
    CHECK(event.get(Field::kUsername) == "u" + std::to_string(i));
    CHECK(event.bytes_sent == 7);
    CHECK(decoder.repairedRows() == planted);
  }
  CHECK(planted > 1000);
}

TEST_CASE("rows malformed in other ways still fail, repaired or not") {
  results::RowDecoder decoder(mapping());
  Event event;
  for (const std::string& row :
       {std::string(R"({"sourceip": "10.1.4.21")"), std::string("{\"sourceip\": \"\xFF\""),
        std::string(R"({"sourceip": "\ud800", })"), std::string("{\"sourceip\": \"a\x01\"}"),
        std::string(R"(["\ud800"])")}) {
    INFO(row);
    CHECK_FALSE(decoder.decode(row, event));
  }
  CHECK(decoder.repairedRows() == 0);
}
